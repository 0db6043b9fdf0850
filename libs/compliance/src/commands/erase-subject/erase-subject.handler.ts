import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, PersonalDataRegistry, TenantDatabase } from '#kernel';
import { ComplianceException } from '../../domain/compliance.exception.js';
import { planIdentifiers } from '../../domain/erasure-identifiers.js';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';
import { SubjectEraser } from '../../infrastructure/erasure/subject-eraser.js';
import { loadCommonWords } from '../../pii/common-words.js';
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
    const requested = identifiers.map((value) => value.trim());
    const { subject, ownEmails } = await this.database.read(tenantId, async (manager) => {
      const directory = this.registry.directory();
      const found = await directory.describe(manager, tenantId, subjectId);
      // A requested address counts as the account's own when the lookup index finds this user
      // by it. The CLI relies on that: it passes the address it found the user by.
      const own = new Set<string>();
      for (const value of requested) {
        if (!found || !value.includes('@')) continue;
        if ((await directory.findIdByEmail(manager, tenantId, value)) === found.id) {
          own.add(value.toLowerCase());
        }
      }
      return { subject: found, ownEmails: own };
    });
    if (!subject) throw ComplianceException.subjectNotFound();
    if (subject.status === 'erased') throw ComplianceException.subjectErased();
    if (actor.type === 'user' && actor.id === subjectId) {
      throw ComplianceException.forbidden(
        'An officer cannot erase their own account; another officer must do it',
        'compliance.erase',
      );
    }
    const plan = planIdentifiers(subject, requested, await loadCommonWords(), ownEmails);
    if (plan.errors.length > 0) throw MasalaException.validation(plan.errors);
    return this.eraser.erase(tenantId, actor, subject, plan.identifiers);
  }
}
