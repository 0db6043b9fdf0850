import { RefreshToken } from './domain/refresh-token.entity.js';
import { User } from './domain/user.entity.js';
import { CreateUsers1764806400100 } from './infrastructure/migrations/1764806400100-create-users.js';
import { CreateRefreshTokens1764806400110 } from './infrastructure/migrations/1764806400110-create-refresh-tokens.js';

export { IdentityModule } from './identity.module.js';
export { AccessGuard, type CredentialAuthenticator } from './api/access.guard.js';
export { User } from './domain/user.entity.js';
export { BUILT_IN_ROLES, permissionsFor } from './domain/roles.js';
export { IdentityException, INVALID_CREDENTIALS } from './domain/identity.exception.js';
export { CreateUserCommand, type CreateUserResult } from './commands/create-user/create-user.command.js';
export { LogInCommand } from './commands/log-in/log-in.command.js';
export { TokenService, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenPair } from './infrastructure/token-service.js';
export { RoleCatalog } from './infrastructure/role-catalog.js';

export const IDENTITY_ENTITIES = [User, RefreshToken];
export const IDENTITY_MIGRATIONS = [CreateUsers1764806400100, CreateRefreshTokens1764806400110];
