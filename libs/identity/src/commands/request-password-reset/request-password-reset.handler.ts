import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase, type Actor } from '#kernel';
import { User } from '../../domain/user.entity.js';
import {
  PasswordResetRequestedEvent,
  UnknownAccountPasswordResetRequestedEvent,
} from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { passwordResetMessage } from '../../infrastructure/mail/messages.js';
import { OneTimeTokens } from '../../infrastructure/one-time-tokens.js';
import { RequestPasswordResetCommand } from './request-password-reset.command.js';

const ANONYMOUS: Actor = { type: 'system', id: 'anonymous', roles: [] };

/** Minimum time between two reset e-mails to one account, while the earlier token is unused. */
const RESEND_INTERVAL_MS = 60_000;

/**
 * Issues a reset token for an active account and mails it after commit without waiting, so
 * known and unknown addresses take about the same time and get the same response. Both cases
 * write one audit entry.
 */
@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emailIndex: EmailIndex,
    private readonly tokens: OneTimeTokens,
    private readonly mailer: Mailer,
  ) {}

  async execute({ tenantId, email }: RequestPasswordResetCommand): Promise<void> {
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);
    const message = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOne(User, { where: { tenantId, emailLookup } });
      if (!user || user.status !== 'active') {
        await unitOfWork.emit(new UnknownAccountPasswordResetRequestedEvent(tenantId, ANONYMOUS));
        return null;
      }
      const actor: Actor = { type: 'user', id: user.id, roles: user.roles };
      const lastIssuedAt = await this.tokens.lastIssuedAt(manager, tenantId, user.id, 'password_reset');
      if (lastIssuedAt && Date.now() - lastIssuedAt.getTime() < RESEND_INTERVAL_MS) {
        await unitOfWork.emit(new PasswordResetRequestedEvent(tenantId, actor, user.id, { new: { sent: false, reason: 'too_soon' } }));
        return null;
      }
      const issued = await this.tokens.issue(manager, tenantId, user.id, 'password_reset');
      await unitOfWork.emit(new PasswordResetRequestedEvent(tenantId, actor, user.id, { new: { sent: true } }));
      return passwordResetMessage(user, issued);
    });
    if (message) this.mailer.dispatch(message);
  }
}
