import { ErrorCode, MasalaException, type FieldError } from '#kernel';

export class TicketsException extends MasalaException {
  static ticketNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Ticket not found');
  }

  static commentNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Comment not found');
  }

  static projectNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Project not found');
  }

  static savedFilterNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Saved filter not found');
  }

  static savedFilterNameTaken(name: string): TicketsException {
    return new TicketsException(ErrorCode.Conflict, `You already have a saved filter named "${name}"; choose another name`, {
      errors: [{ field: 'name', rule: 'unique', message: 'name must be unique among your saved filters' }],
    });
  }

  static webhookNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Webhook not found');
  }

  static attachmentNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Attachment not found');
  }

  static domainNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Domain not found');
  }

  static forbidden(action: string, permission: string): TicketsException {
    return new TicketsException(ErrorCode.Forbidden, `You may not ${action}: it requires the ${permission} permission`, {
      extensions: { requiredPermission: permission },
    });
  }

  static invalid(errors: FieldError[]): TicketsException {
    return new TicketsException(ErrorCode.ValidationFailed, 'The request is invalid', { errors });
  }

  static ifMatchRequired(): TicketsException {
    return new TicketsException(
      ErrorCode.PreconditionRequired,
      'This change needs an If-Match header with the version from the ETag of the ticket',
      {
        errors: [
          {
            field: 'If-Match',
            rule: 'required',
            message: 'send If-Match: "<version>" as read from ETag, or * to update whatever version is current',
          },
        ],
      },
    );
  }

  static domainNotConfigured(domainId: string): TicketsException {
    return new TicketsException(
      ErrorCode.Conflict,
      `The ticket's domain ${domainId} is no longer in the domain configuration, so the ticket cannot change`,
    );
  }

  static transitionNotAllowed(from: string, to: string, allowedStates: string[], reasons: string[] = []): TicketsException {
    const because = reasons.length > 0 ? `: ${reasons.join('; ')}` : '';
    return new TicketsException(
      ErrorCode.WorkflowViolation,
      `The workflow does not allow ${from} -> ${to}${because}`,
      { extensions: { from, to, allowedStates, failedConditions: reasons } },
    );
  }
}
