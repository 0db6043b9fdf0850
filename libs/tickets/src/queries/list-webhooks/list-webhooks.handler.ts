import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { Webhook } from '../../domain/webhook.entity.js';
import { toWebhookView, type WebhookView } from '../../domain/webhook.view.js';
import { ListWebhooksQuery } from './list-webhooks.query.js';

/** Lists a tenant's webhooks without their secrets, which are not even read. */
@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId }: ListWebhooksQuery): Promise<{ data: WebhookView[] }> {
    const webhooks = await this.database.read(tenantId, (manager) =>
      manager.find(Webhook, {
        select: { tenantId: true, id: true, url: true, events: true, createdBy: true, createdAt: true, updatedAt: true },
        where: { tenantId },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
    );
    return { data: webhooks.map(toWebhookView) };
  }
}
