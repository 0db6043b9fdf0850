import { Query } from '@nestjs/cqrs';
import type { ConsentView } from '../../domain/consent.view.js';

/** The state of one configured purpose for a subject. */
export interface PurposeState {
  code: string;
  requiresConsent: boolean;
  blocks: readonly string[];
  policyVersion: string | null;
  /** The current decision, or null when the subject never decided. */
  granted: boolean | null;
  grantedPolicyVersion: string | null;
  decidedAt: string | null;
}

export interface ConsentHistory {
  subjectId: string;
  purposes: PurposeState[];
  /** Records, newest first. */
  data: ConsentView[];
  nextCursor: string | null;
}

export class ListConsentsQuery extends Query<ConsentHistory> {
  constructor(
    readonly tenantId: string,
    readonly subjectId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
