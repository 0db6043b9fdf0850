import { ErrorCode, MasalaException } from '#kernel';

/** One generic message for every credential failure, so a response never reveals which part was wrong. */
export const INVALID_CREDENTIALS = 'Invalid credentials';

export class IdentityException extends MasalaException {
  static invalidCredentials(): IdentityException {
    return new IdentityException(ErrorCode.Unauthenticated, INVALID_CREDENTIALS);
  }

  static unauthenticated(message = 'Authentication is required'): IdentityException {
    return new IdentityException(ErrorCode.Unauthenticated, message);
  }

  static forbidden(permission: string): IdentityException {
    return new IdentityException(ErrorCode.Forbidden, `This action needs the ${permission} permission`);
  }

  static emailTaken(): IdentityException {
    return new IdentityException(ErrorCode.Conflict, 'A user with this e-mail address already exists', {
      errors: [{ field: 'email', rule: 'unique', message: 'email is already registered in this tenant' }],
    });
  }
}
