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
    return new IdentityException(ErrorCode.Forbidden, `This action needs the ${permission} permission`, {
      extensions: { requiredPermission: permission },
    });
  }

  static emailTaken(): IdentityException {
    return new IdentityException(ErrorCode.Conflict, 'A user with this e-mail address already exists', {
      errors: [{ field: 'email', rule: 'unique', message: 'email is already registered in this tenant' }],
    });
  }

  static userNotFound(): IdentityException {
    return new IdentityException(ErrorCode.NotFound, 'User not found');
  }

  static apiKeyNotFound(): IdentityException {
    return new IdentityException(ErrorCode.NotFound, 'API key not found');
  }

  /** A key creation that would put more than `maxLength` keys above the new key. */
  static keyChainTooLong(maxLength: number): IdentityException {
    return new IdentityException(
      ErrorCode.Forbidden,
      `A new API key may have at most ${maxLength} keys above it in its creation chain; create it as a signed-in user`,
      {
        errors: [
          { field: 'X-Api-Key', rule: 'key_chain_length', message: `X-Api-Key already has ${maxLength - 1} keys above it, so it cannot create keys` },
        ],
      },
    );
  }

  /** A user, directly or through an API key they created, tried to change their own roles. */
  static selfRoleChange(): IdentityException {
    return new IdentityException(ErrorCode.Forbidden, 'You cannot change your own roles; another Admin must do it', {
      errors: [{ field: 'roles', rule: 'self_role_change', message: 'roles of your own account can only be changed by another Admin' }],
    });
  }

  /** A change that would leave the tenant without an active Admin. */
  static lastAdmin(field: 'roles' | 'status'): IdentityException {
    return new IdentityException(
      ErrorCode.Conflict,
      'This is the last active Admin of the tenant; make another user Admin first',
      { errors: [{ field, rule: 'last_admin', message: `${field} change would leave the tenant without an active Admin` }] },
    );
  }

  /** An erasure that would leave the tenant without an active Admin. */
  static lastAdminErasure(): IdentityException {
    return new IdentityException(
      ErrorCode.Conflict,
      'This account is the last active Admin of the tenant; make another user Admin before erasing it',
      { errors: [{ field: 'userId', rule: 'last_admin', message: 'erasing this account would leave the tenant without an active Admin' }] },
    );
  }

  static conflict(message: string): IdentityException {
    return new IdentityException(ErrorCode.Conflict, message);
  }

  /** A single-use e-mail token that is unknown, expired, used or meant for another purpose. */
  static invalidToken(field = 'token'): IdentityException {
    return new IdentityException(ErrorCode.ValidationFailed, 'The token is invalid or expired', {
      errors: [
        {
          field,
          rule: 'valid_token',
          message: `${field} is invalid, expired or already used; request a new one`,
        },
      ],
    });
  }

  /** A one-time code given to set up or turn off two-factor sign-in did not match. */
  static invalidCode(field = 'code'): IdentityException {
    return new IdentityException(ErrorCode.ValidationFailed, 'The one-time code is invalid', {
      errors: [
        {
          field,
          rule: 'valid_code',
          message: `${field} does not match; enter the current code from the authenticator app`,
        },
      ],
    });
  }

  static twoFactorRequired(): IdentityException {
    return new IdentityException(
      ErrorCode.TwoFactorRequired,
      'This account uses two-factor sign-in: send otp (the current 6-digit code) or recoveryCode with the credentials',
    );
  }

  static twoFactorEnrolmentRequired(): IdentityException {
    return new IdentityException(
      ErrorCode.Forbidden,
      'Two-factor sign-in is mandatory for your role in this tenant: set it up with ' +
        'POST /api/v1/auth/2fa/setup and /api/v1/auth/2fa/enable, then sign in again',
    );
  }

  static userSessionRequired(): IdentityException {
    return new IdentityException(ErrorCode.Forbidden, 'This route needs a signed-in user, not an API key');
  }
}
