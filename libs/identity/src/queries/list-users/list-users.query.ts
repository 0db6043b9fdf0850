import { Query } from '@nestjs/cqrs';
import type { Page } from '#kernel';
import type { UserStatus } from '../../domain/user.entity.js';
import type { UserView } from '../../domain/user.view.js';

export interface UserFilters {
  status?: UserStatus;
  /** Exact address, matched through the blind index. */
  email?: string;
}

export class ListUsersQuery extends Query<Page<UserView>> {
  constructor(
    readonly tenantId: string,
    readonly filters: UserFilters,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
