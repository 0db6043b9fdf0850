import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { MasalaException, PERMISSIONS, TenantDatabase, type Actor, type FieldError } from '#kernel';
import { ApiKey } from '../../domain/api-key.entity.js';
import { MAX_KEY_CHAIN_LENGTH, mayGrant } from '../../domain/api-key-rights.js';
import { generateApiKey, hashApiKey } from '../../domain/api-key-secret.js';
import { toApiKeyView } from '../../domain/api-key.view.js';
import { IdentityException } from '../../domain/identity.exception.js';
import { ApiKeyCreatedEvent } from '../../events/api-key.events.js';
import { loadKeyAncestors } from '../../infrastructure/api-key-chain.js';
import { CreateApiKeyCommand, type CreatedApiKey } from './create-api-key.command.js';

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, grantable, input }: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const permissions = [...new Set(input.permissions)].sort();
    const errors = permissions.flatMap((permission) => this.checkPermission(permission, grantable));
    if (input.expiresAt && input.expiresAt <= new Date()) {
      errors.push({ field: 'expiresAt', rule: 'future', message: 'expiresAt must be in the future' });
    }
    if (errors.length > 0) throw MasalaException.validation(errors);

    const { key, prefix } = generateApiKey();
    const stored = await this.database.write(tenantId, async (unitOfWork) => {
      const origin = await this.originOf(unitOfWork.manager, tenantId, actor);
      const row: ApiKey = {
        tenantId,
        id: crypto.randomUUID(),
        name: input.name.trim(),
        prefix,
        secretHash: hashApiKey(key),
        permissions,
        createdBy: actor.id,
        creatorUserId: origin.creatorUserId,
        parentKeyId: origin.parentKeyId,
        createdAt: new Date(),
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      };
      await unitOfWork.manager.insert(ApiKey, row);
      await unitOfWork.emit(
        new ApiKeyCreatedEvent(tenantId, actor, 'api_key', row.id, {
          new: {
            name: row.name,
            prefix,
            permissions,
            expiresAt: row.expiresAt?.toISOString() ?? null,
            creatorUserId: row.creatorUserId,
            parentKeyId: row.parentKeyId,
          },
        }),
      );
      return row;
    });
    return { ...toApiKeyView(stored), key };
  }

  /**
   * Finds the user whose rights bound the new key. A key created by a user records that user. A
   * key created with another key records the user at the root of that key's chain and the key
   * itself as parent, so revoking the parent also stops the new key.
   */
  private async originOf(
    manager: EntityManager,
    tenantId: string,
    actor: Actor,
  ): Promise<{ creatorUserId: string; parentKeyId: string | null }> {
    if (actor.type === 'user') return { creatorUserId: actor.id, parentKeyId: null };
    if (actor.type !== 'api_key') throw IdentityException.userSessionRequired();
    const parent = await manager.findOne(ApiKey, { where: { tenantId, id: actor.id } });
    const ancestors = parent ? await loadKeyAncestors(manager, parent) : null;
    if (!parent || !ancestors || parent.creatorUserId === null) {
      throw IdentityException.unauthenticated('The API key is invalid, revoked or expired');
    }
    if (ancestors.length + 1 > MAX_KEY_CHAIN_LENGTH) {
      throw IdentityException.keyChainTooLong(MAX_KEY_CHAIN_LENGTH);
    }
    return { creatorUserId: parent.creatorUserId, parentKeyId: parent.id };
  }

  private checkPermission(permission: string, grantable: ReadonlySet<string>): FieldError[] {
    if (!(PERMISSIONS as readonly string[]).includes(permission)) {
      return [{ field: 'permissions', rule: 'permission', message: `permission "${permission}" does not exist; use one of ${PERMISSIONS.join(', ')}` }];
    }
    if (!mayGrant(permission, grantable)) {
      return [{ field: 'permissions', rule: 'subset', message: `permission "${permission}" is not one you hold, so you cannot grant it` }];
    }
    return [];
  }
}
