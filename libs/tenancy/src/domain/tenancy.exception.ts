import { ErrorCode, MasalaException } from '#kernel';

export class TenancyException extends MasalaException {
  /** `slug`, when given, is named in the message, for callers such as the CLI that sent it. */
  static unknownTenant(slug?: string): TenancyException {
    const message = slug === undefined ? 'Tenant not found' : `Tenant "${slug}" not found`;
    return new TenancyException(ErrorCode.NotFound, message);
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
