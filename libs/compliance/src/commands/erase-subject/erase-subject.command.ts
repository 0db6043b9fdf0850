import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';

/**
 * Erases the tenant's user `subjectId` everywhere and returns the receipt. `identifiers` are
 * further values that identify the person in free text (a former name, a nickname, a phone
 * number). Each needs 5 or more characters and must not be a single common word, and it is
 * erased only from records linked to the subject, unless it is the account's own e-mail address.
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
