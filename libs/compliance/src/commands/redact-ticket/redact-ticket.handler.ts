import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ErrorCode, FieldEncryption, PersonalDataRegistry, TenantDatabase, type ErasureCounts } from '#kernel';
import { ComplianceException } from '../../domain/compliance.exception.js';
import { RecordRedactedEvent } from '../../events/compliance.events.js';
import { PII_KINDS, scrubPersonalData, type PiiKind } from '../../pii/index.js';
import { RedactTicketCommand, type RedactionReport } from './redact-ticket.command.js';

@CommandHandler(RedactTicketCommand)
export class RedactTicketHandler implements ICommandHandler<RedactTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
    private readonly encryption: FieldEncryption,
  ) {}

  async execute({ tenantId, actor, ticketId }: RedactTicketCommand): Promise<RedactionReport> {
    const target = { entityType: 'ticket', entityId: ticketId };
    const replacements: RedactionReport['replacements'] = {};
    const fields = await this.database.write(tenantId, async (unitOfWork) => {
      const byContext: Record<string, ErasureCounts> = {};
      for (const participant of this.registry.erasureParticipants()) {
        const found = emptyCounts();
        const scrub = (text: string) => {
          const result = scrubPersonalData(text);
          for (const kind of PII_KINDS) found[kind] += result.counts[kind];
          return result.text;
        };
        const counts = await participant.redact?.(unitOfWork, target, scrub);
        if (!counts) continue;
        byContext[participant.context] = counts;
        replacements[participant.context] = found;
      }
      if (!byContext['tickets'])
        throw new ComplianceException(ErrorCode.NotFound, 'Ticket not found');
      const ticketReplacements = replacements['tickets'] ?? emptyCounts();
      await unitOfWork.emit(
        new RecordRedactedEvent(tenantId, actor, 'ticket', ticketId, { ...ticketReplacements }),
      );
      return byContext;
    });
    this.encryption.forgetPlaintexts();
    return { entityType: 'ticket', entityId: ticketId, replacements, fields };
  }
}

function emptyCounts(): Record<PiiKind, number> {
  return Object.fromEntries(PII_KINDS.map((kind) => [kind, 0])) as Record<PiiKind, number>;
}
