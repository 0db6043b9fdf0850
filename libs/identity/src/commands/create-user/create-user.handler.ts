import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { MasalaException, TenantDatabase, type FieldError } from '#kernel';
import { normaliseEmail, validateEmail } from '../../domain/email.js';
import { IdentityException } from '../../domain/identity.exception.js';
import { newUserFields } from '../../domain/new-user.js';
import { validatePassword } from '../../domain/password-policy.js';
import { User } from '../../domain/user.entity.js';
import { UserCreatedEvent } from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { RoleCatalog } from '../../infrastructure/role-catalog.js';
import { CreateUserCommand, type CreateUserResult } from './create-user.command.js';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly emailIndex: EmailIndex,
    private readonly roles: RoleCatalog,
  ) {}

  async execute({ tenantId, actor, input }: CreateUserCommand): Promise<CreateUserResult> {
    const email = normaliseEmail(input.email);
    const generatedPassword = input.password === undefined ? randomBytes(15).toString('base64url') : undefined;
    const password = input.password ?? generatedPassword!;
    const errors: FieldError[] = [...validateEmail(email), ...validatePassword(password)];
    errors.push(...(await this.roles.validateRoles(input.roles, tenantId)));
    if (errors.length > 0) throw MasalaException.validation(errors);

    const passwordHash = await this.hasher.hash(password);
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);

    const user = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (await manager.exists(User, { where: { tenantId, emailLookup } })) {
        throw IdentityException.emailTaken();
      }
      const created = manager.create(User, newUserFields({
        tenantId,
        email,
        emailLookup,
        displayName: input.displayName,
        roles: input.roles,
        status: 'active',
        passwordHash,
      }));
      await manager.insert(User, created);
      await unitOfWork.emit(
        new UserCreatedEvent(tenantId, actor, created.id, {
          new: { email, displayName: created.displayName, roles: created.roles, status: created.status },
        }),
      );
      return created;
    });
    return { user, generatedPassword };
  }
}
