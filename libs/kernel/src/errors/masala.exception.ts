/** Error codes shared by every context; the HTTP layer maps each one to a status in one switch. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  NotFound = 'not_found',
  Conflict = 'conflict',
  WorkflowViolation = 'workflow_violation',
  PreconditionFailed = 'precondition_failed',
  PreconditionRequired = 'precondition_required',
  Unauthenticated = 'unauthenticated',
  /** The password was right but the account also needs a one-time code (TOTP or recovery code). */
  TwoFactorRequired = 'two_factor_required',
  Forbidden = 'forbidden',
  TenantSuspended = 'tenant_suspended',
  RateLimited = 'rate_limited',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  Unavailable = 'unavailable',
}

/** One invalid input field, as listed in the `errors` member of a problem+json response. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/**
 * Base class of every context's exception. The message is safe to show to the client; internal
 * detail goes into `cause`, which is logged but never returned.
 */
export class MasalaException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
  }

  static notFound(entity: string): MasalaException {
    return new MasalaException(ErrorCode.NotFound, `${entity} not found`);
  }

  static validation(errors: FieldError[], message = 'The request is invalid'): MasalaException {
    return new MasalaException(ErrorCode.ValidationFailed, message, { errors });
  }
}
