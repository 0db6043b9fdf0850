import { ErrorCode, MasalaException } from '#kernel';

export class TenancyException extends MasalaException {
  static unknownTenant(): TenancyException {
    return new TenancyException(ErrorCode.NotFound, 'Tenant not found');
  }

  static suspended(): TenancyException {
    return new TenancyException(ErrorCode.TenantSuspended, 'This tenant is suspended');
  }

  static slugTaken(slug: string): TenancyException {
    return new TenancyException(ErrorCode.Conflict, `A tenant with slug "${slug}" already exists`, {
      errors: [{ field: 'slug', rule: 'unique', message: `slug "${slug}" is already in use` }],
    });
  }
}
