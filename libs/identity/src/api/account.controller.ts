import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Authenticated, CurrentPrincipal, Public, type Principal } from '#kernel';
import { AcceptInvitationCommand } from '../commands/accept-invitation/accept-invitation.command.js';
import { ChangePasswordCommand } from '../commands/change-password/change-password.command.js';
import { RequestPasswordResetCommand } from '../commands/request-password-reset/request-password-reset.command.js';
import { ResetPasswordCommand } from '../commands/reset-password/reset-password.command.js';
import type { TokenPair } from '../infrastructure/token-service.js';
import {
  AcceptInvitationDto,
  ChangePasswordDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from './auth.dto.js';
import { requireRequestTenant, requireUserPrincipal } from './request-tenant.js';

/** The account owner's own credential routes: password change, password reset, invitations. */
@Controller('auth')
export class AccountController {
  constructor(private readonly commands: CommandBus) {}

  @Post('change-password')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated()
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto): Promise<TokenPair> {
    const { tenantId, actor } = requireUserPrincipal(principal);
    return this.commands.execute(new ChangePasswordCommand(tenantId, actor, body.currentPassword, body.newPassword));
  }

  /** Returns 202 with the same body for every address, so the response never reveals an account. */
  @Post('password-reset/request')
  @HttpCode(202)
  @Public()
  async requestPasswordReset(@Body() body: PasswordResetRequestDto): Promise<{ status: string }> {
    await this.commands.execute(new RequestPasswordResetCommand(requireRequestTenant(), body.email));
    return { status: 'accepted' };
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<void> {
    await this.commands.execute(new ResetPasswordCommand(requireRequestTenant(), body.token, body.newPassword));
  }

  @Post('accept-invitation')
  @HttpCode(204)
  @Public()
  async acceptInvitation(@Body() body: AcceptInvitationDto): Promise<void> {
    await this.commands.execute(new AcceptInvitationCommand(requireRequestTenant(), body.token, body.password));
  }
}
