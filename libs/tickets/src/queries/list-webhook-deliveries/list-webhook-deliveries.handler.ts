import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Brackets } from 'typeorm';
import { TenantDatabase, decodeCursor, encodeCursor, type Page } from '#kernel';
import { TicketsException } from '../../domain/tickets.exception.js';
import { WebhookDelivery } from '../../domain/webhook-delivery.entity.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { toDeliveryView, type WebhookDeliveryView } from '../../domain/webhook.view.js';
import { ListWebhookDeliveriesQuery } from './list-webhook-deliveries.query.js';

@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, webhookId, limit, cursor: rawCursor }: ListWebhookDeliveriesQuery): Promise<Page<WebhookDeliveryView>> {
    const cursor = decodeCursor(rawCursor);
    const rows = await this.database.read(tenantId, async (manager) => {
      const exists = await manager.exists(Webhook, { where: { tenantId, id: webhookId } });
      if (!exists) throw TicketsException.webhookNotFound();
      const query = manager
        .getRepository(WebhookDelivery)
        .createQueryBuilder('delivery')
        .where('delivery.tenantId = :tenantId AND delivery.webhookId = :webhookId', { tenantId, webhookId });
      if (cursor) {
        const after = new Date(String(cursor.sort));
        query.andWhere(
          new Brackets((keyset) =>
            keyset
              .where('delivery.createdAt < :after', { after })
              .orWhere('(delivery.createdAt = :after AND delivery.id < :afterId)', { afterId: cursor.id }),
          ),
        );
      }
      return query.orderBy('delivery.createdAt', 'DESC').addOrderBy('delivery.id', 'DESC').limit(limit + 1).getMany();
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toDeliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}
