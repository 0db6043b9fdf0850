import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './api/access.guard.js';
import { AuthController } from './api/auth.controller.js';
import { JwtStrategy } from './api/jwt.strategy.js';
import { LocalStrategy } from './api/local.strategy.js';
import { CreateUserHandler } from './commands/create-user/create-user.handler.js';
import { LogInHandler } from './commands/log-in/log-in.handler.js';
import { LogOutHandler } from './commands/log-out/log-out.handler.js';
import { RefreshSessionHandler } from './commands/refresh-session/refresh-session.handler.js';
import { FindUserHandler } from './queries/find-user/find-user.handler.js';
import { EmailIndex } from './infrastructure/email-index.js';
import { PasswordHasher } from './infrastructure/password-hasher.js';
import { RoleCatalog } from './infrastructure/role-catalog.js';
import { TokenService } from './infrastructure/token-service.js';

@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController],
  providers: [
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
    JwtStrategy,
    LocalStrategy,
    PasswordHasher,
    TokenService,
    EmailIndex,
    RoleCatalog,
    CreateUserHandler,
    LogInHandler,
    LogOutHandler,
    RefreshSessionHandler,
    FindUserHandler,
  ],
  exports: [AccessGuard, RoleCatalog, TokenService, EmailIndex, PasswordHasher],
})
export class IdentityModule {}
