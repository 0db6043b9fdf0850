import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import {
  RequestContext,
  TenantDatabase,
  type DomainEvent,
  type TransactionalEventListener,
  type UnitOfWork,
} from '#kernel';
import { GENESIS_HASH, hashEntry } from '../domain/audit-chain.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { toAuditValues } from '../domain/redact-secrets.js';

/** Observers of every audit entry written, such as the metrics counter; called after the insert. */
export type AuditWriteObserver = (entry: AuditLogEntry) => void;

/**
 * The audit context's handler of domain events. It runs inside the transaction of the change,
 * so the entry commits with the change or not at all: if the insert fails, the change rolls back.
 */
@Injectable()
export class AuditRecorder implements TransactionalEventListener, OnModuleInit {
  private readonly observers: AuditWriteObserver[] = [];

  constructor(private readonly database: TenantDatabase) {}

  onModuleInit(): void {
    this.database.registerListener(this);
  }

  observe(observer: AuditWriteObserver): void {
    this.observers.push(observer);
  }

  async handleWithinTransaction(event: DomainEvent, unitOfWork: UnitOfWork): Promise<void> {
    const manager = unitOfWork.manager;
    if (manager.connection.driver.options.type === 'postgres') {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${event.tenantId}`]);
    }
    const previous = await manager
      .getRepository(AuditLogEntry)
      .createQueryBuilder('entry')
      .select(['entry.sequence', 'entry.hash'])
      .where('entry.tenantId = :tenantId', { tenantId: event.tenantId })
      .orderBy('entry.sequence', 'DESC')
      .limit(1)
      .getOne();

    const context = RequestContext.find();
    const entry = new AuditLogEntry();
    Object.assign(entry, {
      tenantId: event.tenantId,
      id: crypto.randomUUID(),
      sequence: (previous?.sequence ?? 0) + 1,
      actorType: event.actor.type,
      actorId: event.actor.id,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      oldValues: toAuditValues(event.changes.old),
      newValues: toAuditValues(event.changes.new),
      subjectIds: [...(event.meta.subjectIds ?? [])],
      ip: context?.ip ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
      correlationId: context?.correlationId ?? 'none',
      configVersion: event.meta.configVersion ?? null,
      createdAt: event.occurredAt.toISOString(),
      previousHash: previous?.hash ?? GENESIS_HASH,
    });
    entry.hash = hashEntry(entry);
    await manager.insert(AuditLogEntry, entry as QueryDeepPartialEntity<AuditLogEntry>);
    for (const observer of this.observers) observer(entry);
  }
}
