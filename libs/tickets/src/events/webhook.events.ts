import { DomainEvent, type Actor } from '#kernel';
import type { Webhook } from '../domain/webhook.entity.js';

export class WebhookCreatedEvent extends DomainEvent {
  readonly action = 'webhook.created';

  constructor(webhook: Webhook, actor: Actor) {
    super(webhook.tenantId, actor, 'webhook', webhook.id, { new: { url: webhook.url, events: webhook.events } });
  }
}

export class WebhookDeletedEvent extends DomainEvent {
  readonly action = 'webhook.deleted';

  constructor(webhook: Webhook, actor: Actor, cancelledDeliveries: number) {
    super(webhook.tenantId, actor, 'webhook', webhook.id, {
      old: { url: webhook.url, events: webhook.events },
      new: { cancelledDeliveries },
    });
  }
}
