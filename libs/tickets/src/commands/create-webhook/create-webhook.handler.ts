import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import type { QueryDeepPartialEntity } from 'typeorm';
import { MASALA_SETTINGS, MasalaException, TenantDatabase, type MasalaSettings } from '#kernel';
import { parseWebhookUrl } from '../../domain/webhook-url.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { toWebhookView, type CreatedWebhookView } from '../../domain/webhook.view.js';
import { WebhookCreatedEvent } from '../../events/webhook.events.js';
import {
  BlockedAddressError,
  resolvePermittedAddresses,
  UnresolvableHostError,
} from '../../infrastructure/webhooks/address-policy.js';
import { CreateWebhookCommand } from './create-webhook.command.js';

/**
 * Registers a webhook. The host must resolve, and to public addresses only unless the operator
 * set MASALA_WEBHOOK_ALLOW_PRIVATE; the dispatcher checks again before every delivery, because
 * DNS answers change. The signing secret is returned here and never again.
 */
@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(
    private readonly database: TenantDatabase,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, actor, input }: CreateWebhookCommand): Promise<CreatedWebhookView> {
    const url = parseWebhookUrl(input.url);
    await this.checkAddress(url);

    const now = new Date();
    const webhook = Object.assign(new Webhook(), {
      tenantId,
      id: crypto.randomUUID(),
      url: url.toString(),
      events: [...new Set(input.events)],
      secret: randomBytes(32).toString('base64url'),
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.database.write(tenantId, async (unitOfWork) => {
      await unitOfWork.manager.insert(Webhook, webhook as QueryDeepPartialEntity<Webhook>);
      await unitOfWork.emit(new WebhookCreatedEvent(webhook, actor));
    });
    return { ...toWebhookView(webhook), secret: webhook.secret };
  }

  private async checkAddress(url: URL): Promise<void> {
    try {
      await resolvePermittedAddresses(url.hostname, this.settings.webhookAllowPrivate);
    } catch (error) {
      if (error instanceof BlockedAddressError) {
        throw MasalaException.validation([
          {
            field: 'url',
            rule: 'public_address',
            message: `${error.message}; webhooks may only target public addresses unless the operator sets MASALA_WEBHOOK_ALLOW_PRIVATE=true`,
          },
        ]);
      }
      if (error instanceof UnresolvableHostError) {
        throw MasalaException.validation([{ field: 'url', rule: 'resolvable', message: `${error.message}; check the host name` }]);
      }
      throw error;
    }
  }
}
