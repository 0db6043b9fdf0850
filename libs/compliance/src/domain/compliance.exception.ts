import { ErrorCode, MasalaException } from '#kernel';

export class ComplianceException extends MasalaException {
  /** Used for missing users and users of another tenant alike, so the response reveals neither. */
  static subjectNotFound(): ComplianceException {
    return new ComplianceException(ErrorCode.NotFound, 'User not found');
  }

  static unknownPurpose(purpose: string, known: readonly string[]): ComplianceException {
    return new ComplianceException(ErrorCode.ValidationFailed, 'The request is invalid', {
      errors: [
        {
          field: 'purpose',
          rule: 'known_purpose',
          message: `purpose "${purpose}" is not configured for this tenant; use one of ${known.join(', ') || '(none)'}`,
        },
      ],
    });
  }

  static policyVersionMismatch(purpose: string, expected: string): ComplianceException {
    return new ComplianceException(ErrorCode.ValidationFailed, 'The request is invalid', {
      errors: [
        {
          field: 'policyVersion',
          rule: 'current_policy_version',
          message: `policyVersion must be "${expected}", the current policy version of purpose ${purpose}`,
        },
      ],
    });
  }

  static purposesMisconfigured(problems: readonly string[]): ComplianceException {
    return new ComplianceException(
      ErrorCode.Unavailable,
      'The consent purposes of this tenant are invalid; an operator must correct the consentPurposes setting',
      { cause: problems.join('; ') },
    );
  }

  static forbidden(message: string, permission: string): ComplianceException {
    return new ComplianceException(ErrorCode.Forbidden, message, {
      extensions: { requiredPermission: permission },
    });
  }

  static subjectErased(): ComplianceException {
    return new ComplianceException(
      ErrorCode.Conflict,
      'This user was erased; nothing about them can change',
    );
  }

  static invalid(field: string, rule: string, message: string): ComplianceException {
    return new ComplianceException(ErrorCode.ValidationFailed, 'The request is invalid', {
      errors: [{ field, rule, message }],
    });
  }
}
