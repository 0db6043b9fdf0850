import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { Subscription } from 'rxjs';
import { AuditRecorder, type AuditLogEntry } from '#audit';
import { RequestContext, type DomainEvent } from '#kernel';
import { TenantRegistry } from '#tenancy';
import { MasalaMetrics } from './masala-metrics.js';

/** Audit action of every failed login, whatever the reason. */
const LOGIN_FAILED_ACTION = 'auth.login_failed';

/**
 * Feeds the counters that come from the contexts rather than from HTTP: audit entries through
 * the audit recorder's observer hook, and failed logins from the events published after commit.
 */
@Injectable()
export class MetricsWiring implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly metrics: MasalaMetrics,
    private readonly audit: AuditRecorder,
    private readonly events: EventBus,
    private readonly tenants: TenantRegistry,
  ) {}

  onModuleInit(): void {
    this.audit.observe((entry: AuditLogEntry) => {
      void this.slugOf(entry.tenantId).then((slug) => this.metrics.recordAuditEntry(slug));
    });
    this.subscription = this.events.subscribe((published) => {
      const event = published as Partial<DomainEvent>;
      if (event.action !== LOGIN_FAILED_ACTION || !event.tenantId) return;
      void this.slugOf(event.tenantId).then((slug) => this.metrics.recordLoginFailure(slug));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The slug from the request context when it names the tenant, else from the cached registry. */
  private async slugOf(tenantId: string): Promise<string | undefined> {
    const context = RequestContext.find();
    if (context?.tenantId === tenantId && context.tenantSlug) return context.tenantSlug;
    const tenant = await this.tenants.findById(tenantId).catch(() => null);
    return tenant?.slug;
  }
}
