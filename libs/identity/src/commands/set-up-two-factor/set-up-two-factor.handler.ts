import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import { TwoFactorSetupStartedEvent } from '../../events/identity.events.js';
import { SecondFactor } from '../../infrastructure/second-factor.js';
import { TenantNames } from '../../infrastructure/tenant-names.js';
import { SetUpTwoFactorCommand, type TwoFactorSetup } from './set-up-two-factor.command.js';

const ISSUER = 'Ticket Masala';

@CommandHandler(SetUpTwoFactorCommand)
export class SetUpTwoFactorHandler implements ICommandHandler<SetUpTwoFactorCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly secondFactor: SecondFactor,
    private readonly tenants: TenantNames,
  ) {}

  async execute({ tenantId, actor }: SetUpTwoFactorCommand): Promise<TwoFactorSetup> {
    const tenantName = await this.tenants.nameOf(tenantId);
    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: actor.id } });
      if (user.twoFactorEnabledAt) {
        throw IdentityException.conflict('Two-factor sign-in is already enabled; disable it first to enrol a new device');
      }
      const secret = this.secondFactor.beginEnrolment(user);
      await manager.save(user);
      await unitOfWork.emit(new TwoFactorSetupStartedEvent(tenantId, actor, user.id));
      const account = `${user.email} (${tenantName})`;
      return { secret, otpauthUri: this.secondFactor.otpauthUri(ISSUER, account, secret) };
    });
  }
}
