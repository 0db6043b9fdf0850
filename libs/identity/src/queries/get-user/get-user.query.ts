import { Query } from '@nestjs/cqrs';
import type { User } from '../../domain/user.entity.js';

/** Loads one user of the tenant; a missing one is a not-found error. */
export class GetUserQuery extends Query<User> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
  ) {
    super();
  }
}
