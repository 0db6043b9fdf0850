import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { ChainVerifier, type ChainVerification } from '../../domain/audit-chain.js';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { VerifyAuditChainQuery } from './verify-audit-chain.query.js';

const BATCH_SIZE = 1000;

/** Recomputes a tenant's hash chain in sequence order, in batches, and reports the first break. */
@QueryHandler(VerifyAuditChainQuery)
export class VerifyAuditChainHandler implements IQueryHandler<VerifyAuditChainQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId }: VerifyAuditChainQuery): Promise<ChainVerification> {
    return this.database.read(tenantId, async (manager) => {
      const verifier = new ChainVerifier();
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
      return verifier.result();
    });
  }
}
