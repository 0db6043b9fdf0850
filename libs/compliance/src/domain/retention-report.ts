import type { ErasureCounts, RetentionCandidate, RetentionRule } from '#kernel';

/** Expired records of one domain, by the action their rule names. */
export interface ExpiredCounts {
  anonymise: number;
  purge: number;
}

/** The outcome of a retention run, or with `dryRun` what a run would do. */
export interface RetentionReport {
  tenantId: string;
  dryRun: boolean;
  checkedAt: string;
  rules: RetentionRule[];
  /** Expired records by context, then by domain. */
  expired: Record<string, Record<string, ExpiredCounts>>;
  /** The first expired records, oldest id first, so an operator can review them. */
  sample: RetentionCandidate[];
  /** Changes made, by context; empty for a dry run. */
  applied: Record<string, ErasureCounts>;
}
