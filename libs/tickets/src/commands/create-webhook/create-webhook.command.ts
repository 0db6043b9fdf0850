import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { WebhookEventType } from '../../domain/webhook.entity.js';
import type { CreatedWebhookView } from '../../domain/webhook.view.js';

export class CreateWebhookCommand extends Command<CreatedWebhookView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: { url: string; events: WebhookEventType[] },
  ) {
    super();
  }
}
