import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase, type Page } from '#kernel';
import { User } from '../../domain/user.entity.js';
import { toUserView, type UserView } from '../../domain/user.view.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { newestFirst, toPage } from '../../infrastructure/keyset.js';
import { ListUsersQuery } from './list-users.query.js';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emailIndex: EmailIndex,
  ) {}

  async execute({ tenantId, filters, limit, cursor }: ListUsersQuery): Promise<Page<UserView>> {
    const rows = await this.database.read(tenantId, (manager) => {
      const query = manager.getRepository(User).createQueryBuilder('account').where('account.tenantId = :tenantId', { tenantId });
      if (filters.status) query.andWhere('account.status = :status', { status: filters.status });
      if (filters.email) {
        query.andWhere('account.emailLookup = :lookup', { lookup: this.emailIndex.lookupKey(tenantId, filters.email) });
      }
      return newestFirst(query, 'account', limit, cursor).getMany();
    });
    const now = new Date();
    return toPage(rows, limit, (user) => toUserView(user, now));
  }
}
