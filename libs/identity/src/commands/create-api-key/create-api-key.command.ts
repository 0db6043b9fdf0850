import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ApiKeyView } from '../../domain/api-key.view.js';

export interface CreatedApiKey extends ApiKeyView {
  /** The key itself, returned only in this response. */
  key: string;
}

/**
 * Creates an API key of the tenant with a subset of `grantable` (the creator's permissions, or a
 * creating key's effective ones) plus, optionally, machine-only permissions such as `intake`.
 */
export class CreateApiKeyCommand extends Command<CreatedApiKey> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly grantable: ReadonlySet<string>,
    readonly input: { name: string; permissions: string[]; expiresAt?: Date },
  ) {
    super();
  }
}
