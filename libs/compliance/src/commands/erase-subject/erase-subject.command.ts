import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';

/**
 * Erases the tenant's user `subjectId` everywhere and returns the receipt. `identifiers` are
 * further values that identify the person in free text (a former name, a nickname), scrubbed
 * besides the stored e-mail address and name.
 */
export class EraseSubjectCommand extends Command<ErasureReceipt> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly subjectId: string,
    readonly identifiers: readonly string[] = [],
  ) {
    super();
  }
}
