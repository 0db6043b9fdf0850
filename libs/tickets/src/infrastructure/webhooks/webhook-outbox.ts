import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import {
  HasConsentQuery,
  TenantDatabase,
  findFlat,
  type DomainEvent,
  type TransactionalEventListener,
  type UnitOfWork,
} from '#kernel';
import { WebhookDelivery } from '../../domain/webhook-delivery.entity.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { webhookPayloadOf, type WebhookPayload } from './webhook-payload.js';

/**
 * Writes one outbox row per subscribed webhook for every ticket event, inside the transaction of
 * the change: a rolled-back change sends nothing, and a committed one is delivered even when the
 * process stops before the dispatcher runs.
 */
@Injectable()
export class WebhookOutbox implements TransactionalEventListener, OnModuleInit {
  constructor(
    private readonly database: TenantDatabase,
    private readonly queries: QueryBus,
  ) {}

  onModuleInit(): void {
    this.database.registerListener(this);
  }

  async handleWithinTransaction(event: DomainEvent, unitOfWork: UnitOfWork): Promise<void> {
    const eventId = crypto.randomUUID();
    const payload = webhookPayloadOf(event, eventId);
    if (!payload) return;

    const manager = unitOfWork.manager;
    const webhooks = await findFlat(manager, Webhook, { tenantId: event.tenantId }, ['tenantId', 'id', 'events']);
    const subscribed = webhooks.filter((webhook) => webhook.events.includes(payload.type));
    if (subscribed.length === 0) return;

    const body = JSON.stringify(await this.withConsentedIds(event.tenantId, payload));
    const now = new Date();
    const rows = subscribed.map((webhook) => ({
      tenantId: event.tenantId,
      id: crypto.randomUUID(),
      webhookId: webhook.id,
      eventId,
      eventType: payload.type,
      payload: body,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      deliveredAt: null,
      createdAt: now,
    }));
    await manager.insert(WebhookDelivery, rows as QueryDeepPartialEntity<WebhookDelivery>[]);
  }

  /**
   * Leaves the requester's id out of the payload (null in its place) while the requester has no
   * consent for `webhook_personal_data`, because the receiver is a third party.
   */
  private async withConsentedIds(tenantId: string, payload: WebhookPayload): Promise<WebhookPayload> {
    const ticket = payload.data['ticket'] as { requesterId?: string | null } | undefined;
    const requesterId = ticket?.requesterId;
    if (!requesterId) return payload;
    const query = new HasConsentQuery(tenantId, requesterId, 'webhook_personal_data');
    if (await this.queries.execute(query)) return payload;
    const data: Record<string, unknown> = { ...payload.data, ticket: { ...ticket, requesterId: null } };
    if (data['authorId'] === requesterId) data['authorId'] = null;
    return { ...payload, data };
  }
}
