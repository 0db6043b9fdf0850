import { Command } from '@nestjs/cqrs';
import type { Actor, ErasureCounts } from '#kernel';
import type { PiiKind } from '../../pii/index.js';

/** What a redaction replaced, per context: detected identifiers by kind, changed values by field. */
export interface RedactionReport {
  entityType: 'ticket';
  entityId: string;
  replacements: Record<string, Record<PiiKind, number>>;
  fields: Record<string, ErasureCounts>;
}

/**
 * Replaces every e-mail address, phone number, IBAN, payment card number and Belgian national
 * register number in one ticket's free text (title, description, custom field values, comments,
 * earlier comment texts and the audit entries of these) with a placeholder such as `[card]`.
 */
export class RedactTicketCommand extends Command<RedactionReport> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly ticketId: string,
  ) {
    super();
  }
}
