import { Query } from '@nestjs/cqrs';

/** What other contexts may know about a user: never credentials, never more than needed. */
export interface UserSummary {
  id: string;
  roles: string[];
  status: string;
  displayName: string;
}

/** Looks up a user of one tenant; a user of another tenant is reported as missing. */
export class FindUserQuery extends Query<UserSummary | null> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
  ) {
    super();
  }
}
