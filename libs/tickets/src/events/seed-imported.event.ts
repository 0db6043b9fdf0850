import { DomainEvent, type Actor } from '#kernel';
import type { SeedWorkReport } from '../commands/import-seed-work/import-seed-work.command.js';

/** A seed file's work was imported into a tenant; the created records have their own entries. */
export class SeedImportedEvent extends DomainEvent {
  readonly action = 'seed.imported';

  constructor(tenantId: string, actor: Actor, report: SeedWorkReport) {
    super(tenantId, actor, 'tenant', tenantId, {
      new: {
        projects: report.projects,
        tickets: report.tickets,
        comments: report.comments,
        failures: report.failures.length,
      },
    });
  }
}
