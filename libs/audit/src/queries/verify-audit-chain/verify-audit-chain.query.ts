import { Query } from '@nestjs/cqrs';
import type { ChainVerification } from '../../domain/audit-chain.js';

export class VerifyAuditChainQuery extends Query<ChainVerification> {
  constructor(readonly tenantId: string) {
    super();
  }
}
