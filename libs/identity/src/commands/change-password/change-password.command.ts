import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TokenPair } from '../../infrastructure/token-service.js';

/** Changes the caller's password, ends every other session and returns a new token pair. */
export class ChangePasswordCommand extends Command<TokenPair> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly currentPassword: string,
    readonly newPassword: string,
  ) {
    super();
  }
}
