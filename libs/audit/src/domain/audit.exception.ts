import { ErrorCode, MasalaException, type FieldError } from '#kernel';

export class AuditException extends MasalaException {
  static invalid(field: string, rule: string, message: string): AuditException {
    const error: FieldError = { field, rule, message };
    return new AuditException(ErrorCode.ValidationFailed, 'The request is invalid', {
      errors: [error],
    });
  }

  /** The chain is already broken where a rewrite would re-seal it, which would hide the break. */
  static chainBroken(sequence: number, reason: string): AuditException {
    return new AuditException(
      ErrorCode.Conflict,
      `The audit chain is broken at sequence ${sequence} (${reason}); investigate before rewriting it`,
      { extensions: { firstBrokenSequence: sequence } },
    );
  }
}
