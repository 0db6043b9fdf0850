import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

/** Revokes an API key at once; revoking a revoked key changes nothing. */
export class RevokeApiKeyCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly keyId: string,
  ) {
    super();
  }
}
