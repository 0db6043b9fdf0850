import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { FindUserQuery, TenantDatabase, type UserSummary } from '#kernel';
import { User } from '../../domain/user.entity.js';

@QueryHandler(FindUserQuery)
export class FindUserHandler implements IQueryHandler<FindUserQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, userId }: FindUserQuery): Promise<UserSummary | null> {
    const user = await this.database.read(tenantId, (manager) =>
      manager.findOne(User, { where: { tenantId, id: userId } }),
    );
    if (!user) return null;
    return { id: user.id, roles: user.roles, status: user.status, displayName: user.displayName };
  }
}
