import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

/** Deletes a webhook and cancels its pending deliveries. */
export class DeleteWebhookCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly webhookId: string,
  ) {
    super();
  }
}
