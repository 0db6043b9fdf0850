import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { TenantDatabase } from '#kernel';
import {
  ChainVerifier,
  checkpointDigest,
  type ChainVerification,
} from '../../domain/audit-chain.js';
import type { AuditCheckpoint } from '../../domain/audit-checkpoint.entity.js';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { latestArchiveCheckpoint } from '../../infrastructure/audit-recorder.js';
import { VerifyAuditChainQuery } from './verify-audit-chain.query.js';

const BATCH_SIZE = 1000;

/**
 * Recomputes a tenant's hash chain in sequence order, in batches, and reports the first break.
 * After an archive the chain starts at the latest archive checkpoint, which must be confirmed by
 * the `audit.archived` entry that carries its digest. Any entry still present below the
 * checkpoint is a break.
 */
@QueryHandler(VerifyAuditChainQuery)
export class VerifyAuditChainHandler implements IQueryHandler<VerifyAuditChainQuery> {
  constructor(private readonly database: TenantDatabase) {}

  // NOTE: the batches are separate reads, so a redaction committed while verification runs can
  // make an intact chain look broken once. Running the verification again settles it.
  async execute({ tenantId }: VerifyAuditChainQuery): Promise<ChainVerification> {
    return this.database.read(tenantId, async (manager) => {
      const checkpoint = await latestArchiveCheckpoint(manager, tenantId);
      const verifier = checkpoint
        ? new ChainVerifier({
            previousHash: checkpoint.previousHashAfter,
            sequence: checkpoint.lastSequence + 1,
          })
        : new ChainVerifier();
      let after = 0;
      for (;;) {
        const batch = await manager
          .getRepository(AuditLogEntry)
          .createQueryBuilder('entry')
          .where('entry.tenantId = :tenantId AND entry.sequence > :after', { tenantId, after })
          .orderBy('entry.sequence', 'ASC')
          .limit(BATCH_SIZE)
          .getMany();
        for (const entry of batch) verifier.add(entry);
        if (batch.length < BATCH_SIZE) break;
        after = batch.at(-1)!.sequence;
      }
      const result = verifier.result();
      if (!result.valid || !checkpoint) return result;
      const unconfirmed = await unconfirmedCheckpoint(manager, checkpoint);
      return unconfirmed ? { ...result, valid: false, reason: unconfirmed } : result;
    });
  }
}

async function unconfirmedCheckpoint(
  manager: EntityManager,
  checkpoint: AuditCheckpoint,
): Promise<string | undefined> {
  const confirmation = await manager.findOne(AuditLogEntry, {
    where: {
      tenantId: checkpoint.tenantId,
      action: 'audit.archived',
      entityType: 'audit_checkpoint',
      entityId: checkpoint.id,
    },
  });
  if (!confirmation) return `archive checkpoint ${checkpoint.id} has no audit.archived entry`;
  if (confirmation.newValues?.checkpointDigest !== checkpointDigest(checkpoint)) {
    return `archive checkpoint ${checkpoint.id} does not match its audit.archived entry`;
  }
  return undefined;
}
