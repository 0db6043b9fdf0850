import type { EntityManager } from 'typeorm';
import type { DomainDefinition } from '../configuration/index.js';
import { doneStatesOf } from '../domain/done-states.js';
import { NO_TICKETS, type ProjectTicketCounts } from '../domain/project.view.js';
import { Ticket } from '../domain/ticket.entity.js';

interface CountRow {
  projectId: string;
  domainId: string;
  status: string;
  count: string | number;
}

/**
 * Counts the open and done tickets of each project, deleted tickets excluded. Done-ness follows
 * the current workflow of each ticket's domain. A ticket whose domain is no longer configured
 * counts as open, because no workflow marks its state as finished.
 */
export async function countProjectTickets(
  manager: EntityManager,
  tenantId: string,
  projectIds: readonly string[],
  domains: ReadonlyMap<string, DomainDefinition>,
): Promise<Map<string, ProjectTicketCounts>> {
  const counts = new Map<string, ProjectTicketCounts>(projectIds.map((id) => [id, { ...NO_TICKETS }]));
  if (projectIds.length === 0) return counts;

  const rows = await manager
    .getRepository(Ticket)
    .createQueryBuilder('ticket')
    .select('ticket.projectId', 'projectId')
    .addSelect('ticket.domainId', 'domainId')
    .addSelect('ticket.status', 'status')
    .addSelect('COUNT(*)', 'count')
    .where('ticket.tenantId = :tenantId', { tenantId })
    .andWhere('ticket.projectId IN (:...projectIds)', { projectIds })
    .andWhere('ticket.deletedAt IS NULL')
    .groupBy('ticket.projectId')
    .addGroupBy('ticket.domainId')
    .addGroupBy('ticket.status')
    .getRawMany<CountRow>();

  const doneByDomain = new Map([...domains].map(([id, domain]) => [id, new Set(doneStatesOf(domain))]));
  for (const row of rows) {
    const entry = counts.get(row.projectId)!;
    const count = Number(row.count);
    const done = doneByDomain.get(row.domainId)?.has(row.status) ?? false;
    if (done) entry.done += count;
    else entry.open += count;
    entry.total += count;
  }
  return counts;
}
