import { Body, Controller, Get, Header, HttpCode, Inject, Post, Req, UseGuards, type ExecutionContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AuthGuard } from '@nestjs/passport';
import { Authenticated, CurrentPrincipal, MasalaException, Public, TenantDatabase, findFlatOne, type Principal } from '#kernel';
import type { LoginResult } from '../commands/log-in/log-in.command.js';
import { LogOutCommand } from '../commands/log-out/log-out.command.js';
import { RefreshSessionCommand } from '../commands/refresh-session/refresh-session.command.js';
import { ApiKey } from '../domain/api-key.entity.js';
import { IdentityException } from '../domain/identity.exception.js';
import { isEnrolmentOnly } from '../domain/identity-principal.js';
import { User } from '../domain/user.entity.js';
import type { TokenPair } from '../infrastructure/token-service.js';
import { RefreshDto } from './auth.dto.js';
import { requireRequestTenant, requireUserPrincipal } from './request-tenant.js';
import { AllowDuringTwoFactorEnrolment } from './two-factor-enrolment.js';

class CredentialsGuard extends AuthGuard('local') {
  override handleRequest<T>(error: unknown, result: T): T {
    if (error instanceof MasalaException) throw error;
    if (error || !result) throw IdentityException.invalidCredentials();
    return result;
  }

  override getAuthenticateOptions(_context: ExecutionContext) {
    return { session: false, badRequestMessage: 'Invalid credentials' };
  }
}

@Controller()
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(TenantDatabase) private readonly database: TenantDatabase,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Public()
  @UseGuards(CredentialsGuard)
  login(@Req() request: { user: LoginResult }): LoginResult {
    return request.user;
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Public()
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.commands.execute(new RefreshSessionCommand(requireRequestTenant(), body.refreshToken));
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Authenticated()
  @AllowDuringTwoFactorEnrolment()
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    requireUserPrincipal(principal);
    await this.commands.execute(new LogOutCommand(principal.tenantId, principal.actor));
  }

  @Get('me')
  @Authenticated()
  @AllowDuringTwoFactorEnrolment()
  async me(@CurrentPrincipal() principal: Principal) {
    const { tenantId } = principal;
    const tenant = { id: tenantId, slug: principal.tenantSlug };
    const permissions = [...principal.permissions].sort();
    if (principal.actor.type === 'api_key') {
      const key = await this.database.read(tenantId, (manager) =>
        findFlatOne(manager, ApiKey, { tenantId, id: principal.actor.id }),
      );
      // The key or account can go between the access check and this read, such as by erasure.
      if (!key) throw IdentityException.unauthenticated('The API key has been revoked');
      return { id: key.id, type: 'api_key', name: key.name, tenant, roles: [], permissions };
    }
    const user = await this.database.read(tenantId, (manager) =>
      findFlatOne(manager, User, { tenantId, id: principal.actor.id }),
    );
    if (!user) throw IdentityException.unauthenticated('The token has been revoked');
    return {
      id: user.id,
      type: 'user',
      email: user.email,
      displayName: user.displayName,
      tenant,
      roles: user.roles,
      permissions,
      twoFactorEnabled: user.twoFactorEnabledAt !== null,
      twoFactorEnrolmentRequired: isEnrolmentOnly(principal),
    };
  }
}
