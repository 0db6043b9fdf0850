import { Query } from '@nestjs/cqrs';
import type { WebhookView } from '../../domain/webhook.view.js';

export class ListWebhooksQuery extends Query<{ data: WebhookView[] }> {
  constructor(readonly tenantId: string) {
    super();
  }
}
