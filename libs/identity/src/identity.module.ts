import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import { TenancyModule } from '#tenancy';
import { AccessGuard } from './api/access.guard.js';
import { AccountController } from './api/account.controller.js';
import { ApiKeyAuthenticator } from './api/api-key.authenticator.js';
import { ApiKeysController } from './api/api-keys.controller.js';
import { AuthController } from './api/auth.controller.js';
import { JwtStrategy } from './api/jwt.strategy.js';
import { LocalStrategy } from './api/local.strategy.js';
import { TwoFactorController } from './api/two-factor.controller.js';
import { UsersController } from './api/users.controller.js';
import { AcceptInvitationHandler } from './commands/accept-invitation/accept-invitation.handler.js';
import { ChangePasswordHandler } from './commands/change-password/change-password.handler.js';
import { CreateApiKeyHandler } from './commands/create-api-key/create-api-key.handler.js';
import { CreateUserHandler } from './commands/create-user/create-user.handler.js';
import { DisableTwoFactorHandler } from './commands/disable-two-factor/disable-two-factor.handler.js';
import { EnableTwoFactorHandler } from './commands/enable-two-factor/enable-two-factor.handler.js';
import { EnsureRequesterHandler } from './commands/ensure-requester/ensure-requester.handler.js';
import { InviteUserHandler } from './commands/invite-user/invite-user.handler.js';
import { LogInHandler } from './commands/log-in/log-in.handler.js';
import { LogOutHandler } from './commands/log-out/log-out.handler.js';
import { RefreshSessionHandler } from './commands/refresh-session/refresh-session.handler.js';
import { RequestPasswordResetHandler } from './commands/request-password-reset/request-password-reset.handler.js';
import { ResendInvitationHandler } from './commands/resend-invitation/resend-invitation.handler.js';
import { ResetPasswordHandler } from './commands/reset-password/reset-password.handler.js';
import { RevokeApiKeyHandler } from './commands/revoke-api-key/revoke-api-key.handler.js';
import { SetUpTwoFactorHandler } from './commands/set-up-two-factor/set-up-two-factor.handler.js';
import { UpdateUserHandler } from './commands/update-user/update-user.handler.js';
import { EmailIndex } from './infrastructure/email-index.js';
import { LogMailAdapter } from './infrastructure/mail/log-mail.adapter.js';
import { MAIL_PORT, type MailPort } from './infrastructure/mail/mail.port.js';
import { Mailer } from './infrastructure/mail/mailer.js';
import { OneTimeTokens } from './infrastructure/one-time-tokens.js';
import { PasswordHasher } from './infrastructure/password-hasher.js';
import { IdentityPersonalDataParticipant } from './infrastructure/personal-data.participant.js';
import { RoleCatalog } from './infrastructure/role-catalog.js';
import { SecondFactor } from './infrastructure/second-factor.js';
import { TenantNames } from './infrastructure/tenant-names.js';
import { TokenService } from './infrastructure/token-service.js';
import { Totp } from './infrastructure/totp.js';
import { TwoFactorPolicy } from './infrastructure/two-factor-policy.js';
import { FindUserHandler } from './queries/find-user/find-user.handler.js';
import { GetUserHandler } from './queries/get-user/get-user.handler.js';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler.js';
import { ListUsersHandler } from './queries/list-users/list-users.handler.js';

export interface IdentityModuleOptions {
  /** Delivers invitations and password resets; defaults to the log adapter. */
  mail?: MailPort;
}

const HANDLERS = [
  AcceptInvitationHandler,
  ChangePasswordHandler,
  CreateApiKeyHandler,
  CreateUserHandler,
  DisableTwoFactorHandler,
  EnableTwoFactorHandler,
  EnsureRequesterHandler,
  InviteUserHandler,
  LogInHandler,
  LogOutHandler,
  RefreshSessionHandler,
  RequestPasswordResetHandler,
  ResendInvitationHandler,
  ResetPasswordHandler,
  RevokeApiKeyHandler,
  SetUpTwoFactorHandler,
  UpdateUserHandler,
  FindUserHandler,
  GetUserHandler,
  ListApiKeysHandler,
  ListUsersHandler,
];

function mailPortProvider(options: IdentityModuleOptions): Provider {
  if (options.mail) return { provide: MAIL_PORT, useValue: options.mail };
  return {
    provide: MAIL_PORT,
    useFactory: (settings: MasalaSettings) => new LogMailAdapter(settings.environment === 'development'),
    inject: [MASALA_SETTINGS],
  };
}

@Module({
  imports: [PassportModule.register({ session: false }), TenancyModule],
  controllers: [AuthController, AccountController, TwoFactorController, UsersController, ApiKeysController],
  providers: [
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
    JwtStrategy,
    LocalStrategy,
    ApiKeyAuthenticator,
    PasswordHasher,
    TokenService,
    EmailIndex,
    RoleCatalog,
    Totp,
    SecondFactor,
    TwoFactorPolicy,
    TenantNames,
    OneTimeTokens,
    Mailer,
    IdentityPersonalDataParticipant,
    ...HANDLERS,
  ],
  exports: [AccessGuard, RoleCatalog, TokenService, EmailIndex, PasswordHasher],
})
export class IdentityModule {
  /** The module with its mail port bound; an embedding application can pass its own adapter. */
  static register(options: IdentityModuleOptions = {}): DynamicModule {
    return { module: IdentityModule, providers: [mailPortProvider(options)] };
  }
}
