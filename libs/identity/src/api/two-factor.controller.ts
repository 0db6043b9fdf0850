import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticated, CurrentPrincipal, type Principal } from '#kernel';
import { DisableTwoFactorCommand } from '../commands/disable-two-factor/disable-two-factor.command.js';
import { EnableTwoFactorCommand } from '../commands/enable-two-factor/enable-two-factor.command.js';
import { SetUpTwoFactorCommand, type TwoFactorSetup } from '../commands/set-up-two-factor/set-up-two-factor.command.js';
import { TwoFactorCodeDto } from './auth.dto.js';
import { requireUserPrincipal } from './request-tenant.js';
import { AllowDuringTwoFactorEnrolment } from './two-factor-enrolment.js';

/** TOTP enrolment of the caller's own account. */
@Controller('auth/2fa')
export class TwoFactorController {
  constructor(private readonly commands: CommandBus) {}

  @Post('setup')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated()
  @AllowDuringTwoFactorEnrolment()
  setup(@CurrentPrincipal() principal: Principal): Promise<TwoFactorSetup> {
    const { tenantId, actor } = requireUserPrincipal(principal);
    return this.commands.execute(new SetUpTwoFactorCommand(tenantId, actor));
  }

  @Post('enable')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated()
  @AllowDuringTwoFactorEnrolment()
  enable(@CurrentPrincipal() principal: Principal, @Body() body: TwoFactorCodeDto): Promise<{ recoveryCodes: string[] }> {
    const { tenantId, actor } = requireUserPrincipal(principal);
    return this.commands.execute(new EnableTwoFactorCommand(tenantId, actor, body.code));
  }

  @Post('disable')
  @HttpCode(204)
  @Authenticated()
  async disable(@CurrentPrincipal() principal: Principal, @Body() body: TwoFactorCodeDto): Promise<void> {
    const { tenantId, actor } = requireUserPrincipal(principal);
    await this.commands.execute(new DisableTwoFactorCommand(tenantId, actor, body.code));
  }
}
