import { Query } from '@nestjs/cqrs';
import type { Page } from '#kernel';
import type { ApiKeyView } from '../../domain/api-key.view.js';

/** The tenant's API keys, revoked ones included, newest first. */
export class ListApiKeysQuery extends Query<Page<ApiKeyView>> {
  constructor(
    readonly tenantId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
