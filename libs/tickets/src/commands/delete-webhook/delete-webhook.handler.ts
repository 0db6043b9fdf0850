import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { WebhookDelivery } from '../../domain/webhook-delivery.entity.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { WebhookDeletedEvent } from '../../events/webhook.events.js';
import { DeleteWebhookCommand } from './delete-webhook.command.js';

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, webhookId }: DeleteWebhookCommand): Promise<void> {
    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const webhook = await manager.findOne(Webhook, { where: { tenantId, id: webhookId } });
      if (!webhook) throw TicketsException.webhookNotFound();
      const cancelled = await manager.update(
        WebhookDelivery,
        { tenantId, webhookId, status: 'pending' },
        { status: 'cancelled', lastError: 'the webhook was deleted' },
      );
      await manager.delete(Webhook, { tenantId, id: webhookId });
      await unitOfWork.emit(new WebhookDeletedEvent(webhook, actor, cancelled.affected ?? 0));
    });
  }
}
