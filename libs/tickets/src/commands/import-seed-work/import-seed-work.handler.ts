import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, PERMISSIONS, TenantDatabase, type Principal } from '#kernel';
import { Project } from '../../domain/project.entity.js';
import { requireDomain } from '../../domain/ticket-type.js';
import { SeedImportedEvent } from '../../events/seed-imported.event.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { projectStatusOf, seedRef, daysFrom } from '../../import/seed-mapping.js';
import { SeedItemImporter } from '../../import/seed-item-importer.js';
import { CreateProjectCommand } from '../create-project/create-project.command.js';
import { ImportSeedWorkCommand, type SeedWorkReport } from './import-seed-work.command.js';

const describeError = (error: unknown): string => {
  if (error instanceof MasalaException) {
    const details = (error.details.errors ?? []).map((item) => `${item.field}: ${item.message}`);
    return [error.message, ...details].join('; ');
  }
  return error instanceof Error ? error.message : String(error);
};

/**
 * Imports projects, tickets and comments one record at a time through the regular commands,
 * so every record is validated and audited like one created through the API. A failing record
 * is reported and skipped; records whose import reference exists already are skipped too.
 */
@CommandHandler(ImportSeedWorkCommand)
export class ImportSeedWorkHandler implements ICommandHandler<ImportSeedWorkCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute(command: ImportSeedWorkCommand): Promise<SeedWorkReport> {
    const { tenantId, tenantSlug, actor, seed, people, agents, options } = command;
    const configuration = this.catalog.configurationFor(tenantId);
    const domain = requireDomain(configuration.domains, options.domainId ?? configuration.global.defaultDomain);
    const principal: Principal = { tenantId, tenantSlug, actor, permissions: new Set(PERMISSIONS) };
    const report: SeedWorkReport = {
      projects: { created: 0, skipped: 0, failed: 0 },
      tickets: { created: 0, skipped: 0, failed: 0 },
      comments: { created: 0, skipped: 0, failed: 0 },
      failures: [],
    };
    const items = new SeedItemImporter(this.commands, this.database, principal, domain, people, agents, options, report, describeError);

    for (const [index, container] of seed.WorkContainers.entries()) {
      const path = `WorkContainers[${index}]`;
      const projectId = await this.importContainer(command, index, report);
      for (const [itemIndex, item] of container.WorkItems.entries()) {
        await items.importItem(item, `${path}.WorkItems[${itemIndex}]`, container.Name, projectId, container.CustomerEmail);
      }
    }
    for (const [index, item] of seed.UnassignedWorkItems.entries()) {
      await items.importItem(item, `UnassignedWorkItems[${index}]`, '', undefined, undefined);
    }

    await this.database.write(tenantId, (unitOfWork) => unitOfWork.emit(new SeedImportedEvent(tenantId, actor, report)));
    return report;
  }

  /** Creates the project of a work container, or finds the one a previous import created. */
  private async importContainer(command: ImportSeedWorkCommand, index: number, report: SeedWorkReport): Promise<string | undefined> {
    const { tenantId, actor, seed, people, agents } = command;
    const container = seed.WorkContainers[index]!;
    const externalRef = seedRef('work-container', container.Name);
    const existing = await this.database.read(tenantId, (manager) =>
      manager.findOne(Project, { select: { tenantId: true, id: true }, where: { tenantId, externalRef } }),
    );
    if (existing) {
      report.projects.skipped += 1;
      return existing.id;
    }
    const manager = container.ProjectManagerEmail?.toLowerCase();
    try {
      const project = await this.commands.execute(
        new CreateProjectCommand(tenantId, actor, {
          name: container.Name,
          description: container.Description ?? '',
          status: projectStatusOf(container.Status),
          managerId: manager && agents.has(manager) ? people.get(manager) : undefined,
          customerId: container.CustomerEmail ? people.get(container.CustomerEmail.toLowerCase()) : undefined,
          targetDate:
            container.CompletionTargetMonths !== undefined
              ? daysFrom(new Date(), container.CompletionTargetMonths * 30).toISOString()
              : undefined,
          externalRef,
        }),
      );
      report.projects.created += 1;
      return project.id;
    } catch (error) {
      report.projects.failed += 1;
      report.failures.push({ item: `WorkContainers[${index}]`, reason: describeError(error) });
      return undefined;
    }
  }
}
