import { ApiKey } from './domain/api-key.entity.js';
import { RecoveryCode } from './domain/recovery-code.entity.js';
import { RefreshToken } from './domain/refresh-token.entity.js';
import { User } from './domain/user.entity.js';
import { UserToken } from './domain/user-token.entity.js';
import { CreateUsers1764806400100 } from './infrastructure/migrations/1764806400100-create-users.js';
import { CreateRefreshTokens1764806400110 } from './infrastructure/migrations/1764806400110-create-refresh-tokens.js';
import { AddAccountLifecycle1764806400120 } from './infrastructure/migrations/1764806400120-add-account-lifecycle.js';
import { CreateApiKeys1764806400130 } from './infrastructure/migrations/1764806400130-create-api-keys.js';
import { AddApiKeyCreators1764806400140 } from './infrastructure/migrations/1764806400140-add-api-key-creators.js';

export { IdentityModule, type IdentityModuleOptions } from './identity.module.js';
export { AccessGuard, type CredentialAuthenticator } from './api/access.guard.js';
export { User } from './domain/user.entity.js';
export { BUILT_IN_ROLES, permissionsFor } from './domain/roles.js';
export { IdentityException, INVALID_CREDENTIALS } from './domain/identity.exception.js';
export { CreateUserCommand, type CreateUserResult } from './commands/create-user/create-user.command.js';
export { LogInCommand, type LoginResult } from './commands/log-in/log-in.command.js';
export {
  TokenService,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type EnrolmentSession,
  type TokenPair,
} from './infrastructure/token-service.js';
export { RoleCatalog } from './infrastructure/role-catalog.js';
export { MAIL_PORT, type MailMessage, type MailPort } from './infrastructure/mail/mail.port.js';
export { LogMailAdapter } from './infrastructure/mail/log-mail.adapter.js';
export { MANDATORY_TWO_FACTOR_ROLES } from './infrastructure/two-factor-policy.js';

export const IDENTITY_ENTITIES = [User, RefreshToken, UserToken, RecoveryCode, ApiKey];
export const IDENTITY_MIGRATIONS = [
  CreateUsers1764806400100,
  CreateRefreshTokens1764806400110,
  AddAccountLifecycle1764806400120,
  CreateApiKeys1764806400130,
  AddApiKeyCreators1764806400140,
];
