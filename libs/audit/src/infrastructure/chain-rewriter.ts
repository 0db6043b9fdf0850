import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import {
  ChainVerifier,
  GENESIS_HASH,
  hashEntry,
  type ChainAnchor,
  type SealedEntry,
} from '../domain/audit-chain.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { AuditException } from '../domain/audit.exception.js';
import type { ErasableFields } from '../domain/erase-subject.js';
import { latestArchiveCheckpoint } from './audit-recorder.js';

const BATCH_SIZE = 500;

export interface ChainRewrite {
  /** Entries whose content changed. */
  rewritten: number;
  /** Entries whose previous hash or hash changed, the rewritten ones included. */
  resealed: number;
  firstRewrittenSequence: number | null;
  lastSequence: number;
  headBefore: string;
  headAfter: string;
}

/**
 * Returns where a tenant's live chain starts: after the latest archive checkpoint, or at genesis.
 * The first live entry must carry this sequence and previous hash.
 */
export async function chainStart(
  manager: EntityManager,
  tenantId: string,
): Promise<Required<ChainAnchor>> {
  const checkpoint = await latestArchiveCheckpoint(manager, tenantId);
  return checkpoint
    ? { previousHash: checkpoint.previousHashAfter, sequence: checkpoint.lastSequence + 1 }
    : { previousHash: GENESIS_HASH, sequence: 1 };
}

/**
 * Rewrites entries from `fromSequence` to the chain head and re-seals every entry after the first
 * change, in the caller's transaction, which must hold a rewrite permit. Each stored entry is
 * checked against its stored hash before it is re-sealed, so a rewrite never hides an earlier
 * break: a broken chain raises AuditException.chainBroken and nothing is rewritten.
 */
export async function rewriteChain(
  manager: EntityManager,
  tenantId: string,
  fromSequence: number,
  rewrite: (entry: SealedEntry) => Partial<ErasableFields> | null,
): Promise<ChainRewrite> {
  const anchor = await anchorBefore(manager, tenantId, fromSequence);
  const verifier = new ChainVerifier(anchor);
  const outcome: ChainRewrite = {
    rewritten: 0,
    resealed: 0,
    firstRewrittenSequence: null,
    lastSequence: fromSequence - 1,
    headBefore: anchor.previousHash,
    headAfter: anchor.previousHash,
  };

  let after = fromSequence - 1;
  for (;;) {
    const batch = await manager
      .getRepository(AuditLogEntry)
      .createQueryBuilder('entry')
      .where('entry.tenantId = :tenantId AND entry.sequence > :after', { tenantId, after })
      .orderBy('entry.sequence', 'ASC')
      .limit(BATCH_SIZE)
      .getMany();
    for (const entry of batch) {
      verifier.add(entry);
      const broken = verifier.firstBreak();
      if (broken) throw AuditException.chainBroken(broken.sequence, broken.reason);
      await reseal(manager, entry, rewrite(entry), outcome);
    }
    if (batch.length < BATCH_SIZE) break;
    after = batch.at(-1)!.sequence;
  }
  return outcome;
}

async function reseal(
  manager: EntityManager,
  entry: AuditLogEntry,
  changes: Partial<ErasableFields> | null,
  outcome: ChainRewrite,
): Promise<void> {
  const next: SealedEntry = { ...entry, ...changes, previousHash: outcome.headAfter };
  next.hash = hashEntry(next);
  outcome.headBefore = entry.hash;
  outcome.headAfter = next.hash;
  outcome.lastSequence = entry.sequence;
  if (changes) {
    outcome.rewritten += 1;
    outcome.firstRewrittenSequence ??= entry.sequence;
  }
  if (!changes && next.hash === entry.hash) return;

  outcome.resealed += 1;
  const update: QueryDeepPartialEntity<AuditLogEntry> = {
    ...(changes as QueryDeepPartialEntity<AuditLogEntry>),
    previousHash: next.previousHash,
    hash: next.hash,
  };
  await manager.update(AuditLogEntry, { tenantId: entry.tenantId, id: entry.id }, update);
}

async function anchorBefore(
  manager: EntityManager,
  tenantId: string,
  fromSequence: number,
): Promise<Required<ChainAnchor>> {
  const start = await chainStart(manager, tenantId);
  if (fromSequence <= start.sequence) return start;
  const previous = await manager
    .getRepository(AuditLogEntry)
    .createQueryBuilder('entry')
    .select(['entry.sequence', 'entry.hash'])
    .where('entry.tenantId = :tenantId AND entry.sequence = :sequence', {
      tenantId,
      sequence: fromSequence - 1,
    })
    .getOne();
  if (!previous) throw AuditException.chainBroken(fromSequence - 1, 'entry is missing');
  return { previousHash: previous.hash, sequence: fromSequence };
}
