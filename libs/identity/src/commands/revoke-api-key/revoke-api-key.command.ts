import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

/** Revokes an API key at once. Revoking a revoked key changes nothing. */
export class RevokeApiKeyCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly keyId: string,
  ) {
    super();
  }
}
