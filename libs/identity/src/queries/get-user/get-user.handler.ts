import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import { GetUserQuery } from './get-user.query.js';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, userId }: GetUserQuery): Promise<User> {
    const user = await this.database.read(tenantId, (manager) =>
      manager.findOne(User, { where: { tenantId, id: userId } }),
    );
    if (!user) throw IdentityException.userNotFound();
    return user;
  }
}
