import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { SeedData } from '../../import/seed-data.js';

export interface ImportCounts {
  created: number;
  skipped: number;
  failed: number;
}

export interface ImportFailure {
  /** Path of the entry in the seed file, for example `WorkContainers[0].WorkItems[2]`. */
  item: string;
  reason: string;
}

export interface SeedWorkReport {
  projects: ImportCounts;
  tickets: ImportCounts;
  comments: ImportCounts;
  failures: ImportFailure[];
}

export interface SeedWorkOptions {
  /** Domain of the imported tickets; the configuration's default domain when absent. */
  domainId?: string;
  /** Custom field values set on every imported ticket, by field name. */
  fieldDefaults: Record<string, string>;
}

/**
 * Imports the work containers (as projects), work items (as tickets) and their comments of a
 * seed file. The people must exist already: `people` maps each lower-case e-mail address of the
 * file to its user id, and `agents` lists the addresses of Admins and Employees.
 */
export class ImportSeedWorkCommand extends Command<SeedWorkReport> {
  constructor(
    readonly tenantId: string,
    readonly tenantSlug: string,
    readonly actor: Actor,
    readonly seed: SeedData,
    readonly people: ReadonlyMap<string, string>,
    readonly agents: ReadonlySet<string>,
    readonly options: SeedWorkOptions,
  ) {
    super();
  }
}
