import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

export class LogOutCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
