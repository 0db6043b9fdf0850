import { Query } from '@nestjs/cqrs';
import type { Page } from '#kernel';
import type { WebhookDeliveryView } from '../../domain/webhook.view.js';

/** Deliveries of one webhook, newest first, for operators checking an integration. */
export class ListWebhookDeliveriesQuery extends Query<Page<WebhookDeliveryView>> {
  constructor(
    readonly tenantId: string,
    readonly webhookId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
