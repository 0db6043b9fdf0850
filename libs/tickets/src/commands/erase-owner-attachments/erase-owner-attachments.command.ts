import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

export interface ErasedAttachments {
  erased: number;
  attachmentIds: string[];
}

/**
 * Deletes every attachment a user uploaded, rows and files, as part of erasing that user's
 * personal data. The compliance context sends it during an erasure request.
 */
export class EraseOwnerAttachmentsCommand extends Command<ErasedAttachments> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly ownerId: string,
  ) {
    super();
  }
}
