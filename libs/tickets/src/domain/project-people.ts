import type { QueryBus } from '@nestjs/cqrs';
import { FindUserQuery, MasalaException } from '#kernel';
import { checkHandler } from './assignee-check.js';

/** Checks the manager (an agent) and the customer (any active user) named for a project. */
export async function checkProjectPeople(
  queries: QueryBus,
  tenantId: string,
  people: { managerId?: string | null; customerId?: string | null },
): Promise<void> {
  if (people.managerId) await checkHandler(queries, tenantId, people.managerId, new Set(), 'managerId');
  if (people.customerId) {
    const user = await queries.execute(new FindUserQuery(tenantId, people.customerId));
    if (!user || user.status !== 'active') {
      throw MasalaException.validation([
        { field: 'customerId', rule: 'user', message: 'customerId must name an active user of this tenant' },
      ]);
    }
  }
}
