import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TokenPair } from '../../infrastructure/token-service.js';

/** Changes the caller's password; every other session ends and a new token pair is returned. */
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
