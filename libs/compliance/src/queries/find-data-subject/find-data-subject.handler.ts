import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PersonalDataRegistry, TenantDatabase } from '#kernel';
import { FindDataSubjectQuery } from './find-data-subject.query.js';

@QueryHandler(FindDataSubjectQuery)
export class FindDataSubjectHandler implements IQueryHandler<FindDataSubjectQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
  ) {}

  execute({ tenantId, email }: FindDataSubjectQuery): Promise<string | null> {
    return this.database.read(tenantId, (manager) =>
      this.registry.directory().findIdByEmail(manager, tenantId, email),
    );
  }
}
