import { Query } from '@nestjs/cqrs';

/** The id of the tenant's user with this e-mail address, or null; for the operator CLI. */
export class FindDataSubjectQuery extends Query<string | null> {
  constructor(
    readonly tenantId: string,
    readonly email: string,
  ) {
    super();
  }
}
