import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalDataRegistry, TenantDatabase } from '#kernel';
import { ComplianceException } from '../../domain/compliance.exception.js';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';
import { SubjectEraser } from '../../infrastructure/erasure/subject-eraser.js';
import { EraseSubjectCommand } from './erase-subject.command.js';

@CommandHandler(EraseSubjectCommand)
export class EraseSubjectHandler implements ICommandHandler<EraseSubjectCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
    private readonly eraser: SubjectEraser,
  ) {}

  async execute({
    tenantId,
    actor,
    subjectId,
    identifiers,
  }: EraseSubjectCommand): Promise<ErasureReceipt> {
    const subject = await this.database.read(tenantId, (manager) =>
      this.registry.directory().describe(manager, tenantId, subjectId),
    );
    if (!subject) throw ComplianceException.subjectNotFound();
    if (subject.status === 'erased') throw ComplianceException.subjectErased();
    if (actor.type === 'user' && actor.id === subjectId) {
      throw ComplianceException.forbidden(
        'An officer cannot erase their own account; another officer must do it',
        'compliance.erase',
      );
    }
    const aliases = [...new Set([...subject.aliases, ...identifiers.map((value) => value.trim())])];
    return this.eraser.erase(tenantId, actor, { ...subject, aliases });
  }
}
