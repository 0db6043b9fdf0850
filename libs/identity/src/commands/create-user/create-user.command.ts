import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { User } from '../../domain/user.entity.js';

export interface CreateUserResult {
  user: User;
  /** Set when no password was given: shown once to the operator, never stored in clear. */
  generatedPassword?: string;
}

export class CreateUserCommand extends Command<CreateUserResult> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: { email: string; displayName?: string; roles: string[]; password?: string },
  ) {
    super();
  }
}
