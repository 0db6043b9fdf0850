import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';

/** Erases the tenant's user `subjectId` everywhere and returns the receipt. */
export class EraseSubjectCommand extends Command<ErasureReceipt> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly subjectId: string,
  ) {
    super();
  }
}
