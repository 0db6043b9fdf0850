import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, PERMISSIONS, TenantDatabase, type FieldError } from '#kernel';
import { ApiKey } from '../../domain/api-key.entity.js';
import { MACHINE_PERMISSIONS, generateApiKey, hashApiKey } from '../../domain/api-key-secret.js';
import { toApiKeyView } from '../../domain/api-key.view.js';
import { ApiKeyCreatedEvent } from '../../events/api-key.events.js';
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
      const row: ApiKey = {
        tenantId,
        id: crypto.randomUUID(),
        name: input.name.trim(),
        prefix,
        secretHash: hashApiKey(key),
        permissions,
        createdBy: actor.id,
        createdAt: new Date(),
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      };
      await unitOfWork.manager.insert(ApiKey, row);
      await unitOfWork.emit(
        new ApiKeyCreatedEvent(tenantId, actor, 'api_key', row.id, {
          new: { name: row.name, prefix, permissions, expiresAt: row.expiresAt?.toISOString() ?? null },
        }),
      );
      return row;
    });
    return { ...toApiKeyView(stored), key };
  }

  private checkPermission(permission: string, grantable: ReadonlySet<string>): FieldError[] {
    if (!(PERMISSIONS as readonly string[]).includes(permission)) {
      return [{ field: 'permissions', rule: 'permission', message: `permission "${permission}" does not exist; use one of ${PERMISSIONS.join(', ')}` }];
    }
    if (!grantable.has(permission) && !MACHINE_PERMISSIONS.includes(permission)) {
      return [{ field: 'permissions', rule: 'subset', message: `permission "${permission}" is not one you hold, so you cannot grant it` }];
    }
    return [];
  }
}
