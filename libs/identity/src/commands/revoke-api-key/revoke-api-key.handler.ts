import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { ApiKey } from '../../domain/api-key.entity.js';
import { IdentityException } from '../../domain/identity.exception.js';
import { ApiKeyRevokedEvent } from '../../events/api-key.events.js';
import { RevokeApiKeyCommand } from './revoke-api-key.command.js';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, keyId }: RevokeApiKeyCommand): Promise<void> {
    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const key = await manager.findOne(ApiKey, { where: { tenantId, id: keyId } });
      if (!key) throw IdentityException.apiKeyNotFound();
      if (key.revokedAt) return;
      key.revokedAt = new Date();
      await manager.save(key);
      await unitOfWork.emit(
        new ApiKeyRevokedEvent(tenantId, actor, 'api_key', key.id, {
          old: { revokedAt: null },
          new: { name: key.name, prefix: key.prefix, revokedAt: key.revokedAt.toISOString() },
        }),
      );
    });
  }
}
