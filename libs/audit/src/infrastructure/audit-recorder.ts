import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import {
  RequestContext,
  TenantDatabase,
  findFlatLast,
  insertRows,
  type DomainEvent,
  type TransactionalEventListener,
  type UnitOfWork,
} from '#kernel';
import { GENESIS_HASH, hashEntry } from '../domain/audit-chain.js';
import { AuditCheckpoint } from '../domain/audit-checkpoint.entity.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { toAuditValues } from '../domain/redact-secrets.js';
import { lockChain } from './rewrite-permit.js';

/** Observers of every audit entry written, such as the metrics counter; called after the insert. */
export type AuditWriteObserver = (entry: AuditLogEntry) => void;

interface ChainHead {
  sequence: number;
  hash: string;
  createdAt: string | null;
}

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
    await lockChain(manager, event.tenantId);
    const head = await chainHead(manager, event.tenantId);

    // Timestamps never decrease along the chain, so a time range is a contiguous run of
    // sequences and an export of it can be verified on its own.
    const occurredAt = event.occurredAt.toISOString();
    const createdAt = head.createdAt && head.createdAt > occurredAt ? head.createdAt : occurredAt;

    const context = RequestContext.find();
    const entry = new AuditLogEntry();
    Object.assign(entry, {
      tenantId: event.tenantId,
      id: crypto.randomUUID(),
      sequence: head.sequence + 1,
      actorType: event.actor.type,
      actorId: event.actor.id,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      ...parentOf(event),
      oldValues: toAuditValues(event.changes.old),
      newValues: toAuditValues(event.changes.new),
      subjectIds: [...new Set(event.meta.subjectIds ?? [])],
      personalFields: [...new Set(event.meta.personalFields ?? [])].sort(),
      ip: context?.ip ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
      correlationId: context?.correlationId ?? 'none',
      configVersion: event.meta.configVersion ?? null,
      createdAt,
      previousHash: head.hash,
    });
    entry.hash = hashEntry(entry);
    await insertRows(manager, AuditLogEntry, entry as QueryDeepPartialEntity<AuditLogEntry>);
    for (const observer of this.observers) observer(entry);
  }
}

/**
 * Finds the entity that an event's entity belongs to: `meta.parent`, or else the ticket named by a
 * string `ticketId` in the new or old values of an event about something other than a ticket.
 */
function parentOf(event: DomainEvent): {
  parentEntityType: string | null;
  parentEntityId: string | null;
} {
  if (event.meta.parent) {
    return {
      parentEntityType: event.meta.parent.entityType,
      parentEntityId: event.meta.parent.entityId,
    };
  }
  const ticketId = event.changes.new?.ticketId ?? event.changes.old?.ticketId;
  if (event.entityType !== 'ticket' && typeof ticketId === 'string' && ticketId.length <= 64) {
    return { parentEntityType: 'ticket', parentEntityId: ticketId };
  }
  return { parentEntityType: null, parentEntityId: null };
}

/**
 * Reads the last entry of a tenant's chain. When archiving has emptied the live table, the chain
 * continues from the latest archive checkpoint instead of starting again at genesis.
 */
export async function chainHead(manager: EntityManager, tenantId: string): Promise<ChainHead> {
  const last = await findFlatLast(manager, AuditLogEntry, { tenantId }, 'sequence', ['tenantId', 'sequence', 'hash', 'createdAt']);
  if (last) return { sequence: last.sequence, hash: last.hash, createdAt: last.createdAt };

  const checkpoint = await latestArchiveCheckpoint(manager, tenantId);
  if (checkpoint) {
    return {
      sequence: checkpoint.lastSequence,
      hash: checkpoint.previousHashAfter,
      createdAt: null,
    };
  }
  return { sequence: 0, hash: GENESIS_HASH, createdAt: null };
}

export function latestArchiveCheckpoint(
  manager: EntityManager,
  tenantId: string,
): Promise<AuditCheckpoint | null> {
  return manager
    .getRepository(AuditCheckpoint)
    .createQueryBuilder('checkpoint')
    .where('checkpoint.tenantId = :tenantId AND checkpoint.kind = :kind', {
      tenantId,
      kind: 'archive',
    })
    .orderBy('checkpoint.lastSequence', 'DESC')
    .limit(1)
    .getOne();
}
