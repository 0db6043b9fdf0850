import type { ErasureCounts } from '#kernel';
import type { CheckpointOutcome } from '../infrastructure/erasure/sqlite-checkpoint.js';
import type { ReceiptIdentifier } from './erasure-identifiers.js';

/** What an erasure changed, by context and field. It contains counts only, never erased values. */
export interface ErasureReceipt {
  subjectId: string;
  erasedAt: string;
  /**
   * Each identifier applied: its source (an account field, or `request` with its `position` in
   * the request's `identifiers`) and its scope, `tenant` or `linked_records`.
   */
  identifiers: ReceiptIdentifier[];
  /** Changes made in the erasure's transaction, per context. */
  counts: Record<string, ErasureCounts>;
  /** Work done after the commit, such as deleted files, per context. */
  afterCommit: Record<string, ErasureCounts>;
  /** `destroyed` when the subject's key existed and is gone, `none` when there was none. */
  subjectKey: 'destroyed' | 'none' | 'failed';
  /** SQLite only: whether the WAL was checkpointed and truncated after the erasure. */
  walCheckpoint: CheckpointOutcome | 'failed';
  /** False when a step after the commit failed; `problems` lists which. */
  complete: boolean;
  problems: string[];
}
