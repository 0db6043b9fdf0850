import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase, type Page } from '#kernel';
import { ApiKey } from '../../domain/api-key.entity.js';
import { toApiKeyView, type ApiKeyView } from '../../domain/api-key.view.js';
import { newestFirst, toPage } from '../../infrastructure/keyset.js';
import { ListApiKeysQuery } from './list-api-keys.query.js';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, limit, cursor }: ListApiKeysQuery): Promise<Page<ApiKeyView>> {
    const rows = await this.database.read(tenantId, (manager) => {
      const query = manager.getRepository(ApiKey).createQueryBuilder('apiKey').where('apiKey.tenantId = :tenantId', { tenantId });
      return newestFirst(query, 'apiKey', limit, cursor).getMany();
    });
    return toPage(rows, limit, toApiKeyView);
  }
}
