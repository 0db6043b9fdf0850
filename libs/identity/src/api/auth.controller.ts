import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards, type ExecutionContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AuthGuard } from '@nestjs/passport';
import {
  Authenticated,
  CurrentPrincipal,
  MasalaException,
  Public,
  RequestContext,
  TenantDatabase,
  type Principal,
} from '#kernel';
import { LogOutCommand } from '../commands/log-out/log-out.command.js';
import { RefreshSessionCommand } from '../commands/refresh-session/refresh-session.command.js';
import { IdentityException } from '../domain/identity.exception.js';
import { User } from '../domain/user.entity.js';
import type { TokenPair } from '../infrastructure/token-service.js';
import { RefreshDto } from './auth.dto.js';

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
  @Public()
  @UseGuards(CredentialsGuard)
  login(@Req() request: { user: TokenPair }): TokenPair {
    return request.user;
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    const tenantId = RequestContext.current().tenantId;
    if (!tenantId) throw IdentityException.unauthenticated('The refresh token is invalid or expired');
    return this.commands.execute(new RefreshSessionCommand(tenantId, body.refreshToken));
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Authenticated()
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    if (principal.actor.type !== 'user') throw IdentityException.forbidden('a user session');
    await this.commands.execute(new LogOutCommand(principal.tenantId, principal.actor));
  }

  @Get('me')
  @Authenticated()
  async me(@CurrentPrincipal() principal: Principal) {
    const { tenantId } = principal;
    const user = await this.database.read(tenantId, (manager) =>
      manager.findOneOrFail(User, { where: { tenantId, id: principal.actor.id } }),
    );
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      tenant: { id: tenantId, slug: principal.tenantSlug },
      roles: user.roles,
      permissions: [...principal.permissions].sort(),
    };
  }
}
