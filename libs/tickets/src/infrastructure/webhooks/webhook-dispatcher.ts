import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHmac } from 'node:crypto';
import { LessThanOrEqual } from 'typeorm';
import { MASALA_SETTINGS, TenantDatabase, type MasalaSettings } from '#kernel';
import { TenantRegistry } from '#tenancy';
import { WebhookDelivery } from '../../domain/webhook-delivery.entity.js';
import { Webhook } from '../../domain/webhook.entity.js';
import { retryDelayMs } from './retry-schedule.js';
import { sendWebhook, type SendResult } from './webhook-sender.js';

/** The result of one delivery attempt, reported to observers such as metrics and tests. */
export interface DeliveryOutcome {
  tenantId: string;
  deliveryId: string;
  webhookId: string;
  attempt: number;
  status: 'delivered' | 'retrying' | 'failed' | 'cancelled';
  statusCode?: number;
  error?: string;
}

export type DeliveryObserver = (outcome: DeliveryOutcome) => void;

/** Deliveries claimed per tenant and pass, so one busy tenant cannot starve the others. */
const BATCH_SIZE = 20;
/** Pause between full scans for deliveries that another process (the CLI) queued. */
const RECOVERY_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Sends outbox rows after commit: woken by ticket events, then on the retry schedule. A row is
 * claimed by moving its next attempt past the request timeout before sending, so a crash while
 * sending leads to a retry (at-least-once delivery), and two processes never send it together.
 *
 * Only the HTTP server delivers. CLI processes leave their rows to it, and the server scans
 * every tenant for due rows at start and every ten minutes.
 *
 * NOTE: the scan reads every tenant's database, which opens each dedicated SQLite file in turn.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly tenants = new Set<string>();
  private readonly observers = new Set<DeliveryObserver>();
  private readonly abort = new AbortController();
  private timer?: NodeJS.Timeout;
  private timerDueAt = Infinity;
  private recoveryTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private active = false;

  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: TenantRegistry,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.active = this.adapterHost.httpAdapter !== undefined;
    if (!this.active) return;
    this.recoveryTimer = setInterval(() => void this.recover(), RECOVERY_INTERVAL_MS);
    this.recoveryTimer.unref();
    setImmediate(() => void this.recover());
  }

  async onApplicationShutdown(): Promise<void> {
    this.active = false;
    clearInterval(this.recoveryTimer);
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** Registers an observer of every attempt; returns the function that removes it. */
  observe(observer: DeliveryObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Notes that a tenant may have due deliveries and starts a pass soon. */
  wake(tenantId: string): void {
    if (!this.active) return;
    this.tenants.add(tenantId);
    this.schedule(0);
  }

  private async recover(): Promise<void> {
    // An application closed right after it started (a script, a test) has nothing to recover.
    if (!this.active) return;
    try {
      for (const tenant of await this.registry.list()) this.tenants.add(tenant.id);
      this.schedule(0);
    } catch (error) {
      this.logger.error({ message: 'Listing tenants for webhook recovery failed', error: String(error) });
    }
  }

  private schedule(delayMs: number): void {
    if (!this.active) return;
    const dueAt = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.timerDueAt <= dueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      void this.runPass();
    }, Math.max(0, delayMs));
    this.timer.unref();
  }

  private runPass(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        this.schedule(0);
      }
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    let nextDue = Infinity;
    for (const tenantId of [...this.tenants]) {
      if (!this.active) return;
      try {
        const next = await this.processTenant(tenantId);
        if (next === undefined) this.tenants.delete(tenantId);
        else nextDue = Math.min(nextDue, next);
      } catch (error) {
        this.logger.error({ message: 'Webhook pass failed for a tenant', tenantId, error: String(error) });
        nextDue = Math.min(nextDue, Date.now() + this.settings.webhookRetryBaseMs);
      }
    }
    if (nextDue !== Infinity) this.schedule(nextDue - Date.now());
  }

  /** Sends the tenant's due deliveries; returns when the next one is due, or undefined if none is pending. */
  private async processTenant(tenantId: string): Promise<number | undefined> {
    const due = await this.database.read(tenantId, (manager) =>
      manager.find(WebhookDelivery, {
        where: { tenantId, status: 'pending', nextAttemptAt: LessThanOrEqual(new Date()) },
        order: { nextAttemptAt: 'ASC' },
        take: BATCH_SIZE,
      }),
    );
    for (const delivery of due) {
      if (!this.active) return undefined;
      await this.attempt(delivery);
    }
    const next = await this.database.read(tenantId, (manager) =>
      manager.findOne(WebhookDelivery, {
        select: { tenantId: true, id: true, nextAttemptAt: true },
        where: { tenantId, status: 'pending' },
        order: { nextAttemptAt: 'ASC' },
      }),
    );
    return next?.nextAttemptAt.getTime();
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const { tenantId } = delivery;
    const attempt = delivery.attempts + 1;
    const leaseUntil = new Date(Date.now() + this.settings.webhookTimeoutMs + 60_000);
    const claimed = await this.database.write(tenantId, async (unitOfWork) => {
      const result = await unitOfWork.manager.update(
        WebhookDelivery,
        { tenantId, id: delivery.id, status: 'pending', attempts: delivery.attempts },
        { attempts: attempt, nextAttemptAt: leaseUntil },
      );
      return result.affected === 1;
    });
    if (!claimed) return;

    const webhook = await this.database.read(tenantId, (manager) =>
      manager.findOne(Webhook, { where: { tenantId, id: delivery.webhookId } }),
    );
    if (!webhook) {
      await this.finish(delivery, attempt, { status: 'cancelled', error: 'the webhook was deleted' });
      return;
    }
    const result = await sendWebhook(new URL(webhook.url), delivery.payload, this.headersFor(delivery, webhook.secret), {
      timeoutMs: this.settings.webhookTimeoutMs,
      allowPrivate: this.settings.webhookAllowPrivate,
      signal: this.abort.signal,
    });
    await this.finish(delivery, attempt, this.outcomeOf(result, attempt));
  }

  private headersFor(delivery: WebhookDelivery, secret: string): Record<string, string> {
    const signature = createHmac('sha256', secret).update(delivery.payload, 'utf8').digest('hex');
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'TicketMasala-Webhooks/1',
      'X-Masala-Event': delivery.eventType,
      'X-Masala-Delivery': delivery.id,
      'X-Masala-Event-Id': delivery.eventId,
      'X-Masala-Signature': `sha256=${signature}`,
    };
  }

  private outcomeOf(result: SendResult, attempt: number): Pick<DeliveryOutcome, 'status' | 'statusCode' | 'error'> {
    if (result.ok) return { status: 'delivered', statusCode: result.statusCode };
    const permanent = result.failure === 'blocked' || result.failure === 'redirect';
    const exhausted = attempt >= this.settings.webhookMaxAttempts;
    return { status: permanent || exhausted ? 'failed' : 'retrying', statusCode: result.statusCode, error: result.message };
  }

  private async finish(
    delivery: WebhookDelivery,
    attempt: number,
    outcome: Pick<DeliveryOutcome, 'status' | 'statusCode' | 'error'>,
  ): Promise<void> {
    // After shutdown began the database may be closing; the lease makes the row due again later.
    if (!this.active) return;
    const { tenantId } = delivery;
    const now = new Date();
    const retryAt = new Date(now.getTime() + retryDelayMs(attempt, this.settings.webhookRetryBaseMs));
    await this.database.write(tenantId, (unitOfWork) =>
      unitOfWork.manager.update(
        WebhookDelivery,
        { tenantId, id: delivery.id },
        {
          status: outcome.status === 'retrying' ? 'pending' : outcome.status,
          nextAttemptAt: outcome.status === 'retrying' ? retryAt : now,
          lastStatusCode: outcome.statusCode ?? null,
          lastError: outcome.error?.slice(0, 500) ?? null,
          deliveredAt: outcome.status === 'delivered' ? now : null,
        },
      ),
    );
    const report = { tenantId, deliveryId: delivery.id, webhookId: delivery.webhookId, attempt, ...outcome };
    if (outcome.status !== 'delivered') this.logger.warn({ message: 'Webhook delivery attempt failed', ...report });
    for (const observer of this.observers) observer(report);
  }
}
