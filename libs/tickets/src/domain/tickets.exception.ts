import { ErrorCode, MasalaException } from '#kernel';

export class TicketsException extends MasalaException {
  static ticketNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Ticket not found');
  }

  static domainNotFound(): TicketsException {
    return new TicketsException(ErrorCode.NotFound, 'Domain not found');
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
