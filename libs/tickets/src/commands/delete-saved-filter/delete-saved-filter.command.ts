import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

export class DeleteSavedFilterCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly filterId: string,
  ) {
    super();
  }
}
