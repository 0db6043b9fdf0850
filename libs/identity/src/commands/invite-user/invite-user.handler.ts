import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, TenantDatabase } from '#kernel';
import { normaliseEmail, validateEmail } from '../../domain/email.js';
import { IdentityException } from '../../domain/identity.exception.js';
import { newUserFields } from '../../domain/new-user.js';
import { User } from '../../domain/user.entity.js';
import { UserInvitedEvent } from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { invitationMessage } from '../../infrastructure/mail/messages.js';
import { OneTimeTokens } from '../../infrastructure/one-time-tokens.js';
import { RoleCatalog } from '../../infrastructure/role-catalog.js';
import { TenantNames } from '../../infrastructure/tenant-names.js';
import { InviteUserCommand, type InvitationResult } from './invite-user.command.js';

@CommandHandler(InviteUserCommand)
export class InviteUserHandler implements ICommandHandler<InviteUserCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emailIndex: EmailIndex,
    private readonly roles: RoleCatalog,
    private readonly tokens: OneTimeTokens,
    private readonly mailer: Mailer,
    private readonly tenants: TenantNames,
  ) {}

  async execute({ tenantId, actor, input }: InviteUserCommand): Promise<InvitationResult> {
    const email = normaliseEmail(input.email);
    const errors = [...validateEmail(email), ...(await this.roles.validateRoles(input.roles, tenantId))];
    if (errors.length > 0) throw MasalaException.validation(errors);
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);

    const { user, issued } = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (await manager.exists(User, { where: { tenantId, emailLookup } })) {
        throw IdentityException.emailTaken();
      }
      const fields = newUserFields({
        tenantId,
        email,
        emailLookup,
        displayName: input.displayName,
        roles: input.roles,
        status: 'invited',
        passwordHash: null,
      });
      const created = manager.create(User, fields);
      await manager.insert(User, created);
      const issued = await this.tokens.issue(manager, tenantId, created.id, 'invitation');
      await unitOfWork.emit(
        new UserInvitedEvent(tenantId, actor, created.id, {
          new: { email, displayName: created.displayName, roles: created.roles, status: created.status },
        }),
      );
      return { user: created, issued };
    });

    const message = invitationMessage(user, issued, await this.tenants.nameOf(tenantId));
    return { user, invitationSent: await this.mailer.send(message) };
  }
}
