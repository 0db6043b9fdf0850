import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import { TenantDatabase, type DomainEvent, type TransactionalEventListener, type UnitOfWork } from '#kernel';
import { WebhookDelivery } from '../../domain/webhook-delivery.entity.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { webhookPayloadOf } from './webhook-payload.js';

/**
 * Writes one outbox row per subscribed webhook for every ticket event, inside the transaction of
 * the change: a rolled-back change sends nothing, and a committed one is delivered even when the
 * process stops before the dispatcher runs.
 */
@Injectable()
export class WebhookOutbox implements TransactionalEventListener, OnModuleInit {
  constructor(private readonly database: TenantDatabase) {}

  onModuleInit(): void {
    this.database.registerListener(this);
  }

  async handleWithinTransaction(event: DomainEvent, unitOfWork: UnitOfWork): Promise<void> {
    const eventId = crypto.randomUUID();
    const payload = webhookPayloadOf(event, eventId);
    if (!payload) return;

    const manager = unitOfWork.manager;
    const webhooks = await manager.find(Webhook, {
      select: { tenantId: true, id: true, events: true },
      where: { tenantId: event.tenantId },
    });
    const subscribed = webhooks.filter((webhook) => webhook.events.includes(payload.type));
    if (subscribed.length === 0) return;

    const body = JSON.stringify(payload);
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
}
