import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EnsureRequesterCommand,
  ErrorCode,
  MasalaException,
  TenantDatabase,
  type EnsureRequesterResult,
} from '#kernel';
import { normaliseEmail, validateEmail } from '../../domain/email.js';
import { newUserFields } from '../../domain/new-user.js';
import { User } from '../../domain/user.entity.js';
import { UserCreatedEvent } from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';

/**
 * Finds the tenant's user with the requester's e-mail address through the blind index, or
 * creates an active Customer without a password, who can sign in only after a password reset.
 * An existing account is returned whatever its status, and is never changed here. With
 * `customersOnly`, an existing account with any role besides Customer is rejected instead.
 */
@CommandHandler(EnsureRequesterCommand)
export class EnsureRequesterHandler implements ICommandHandler<EnsureRequesterCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emailIndex: EmailIndex,
  ) {}

  async execute({ tenantId, actor, input }: EnsureRequesterCommand): Promise<EnsureRequesterResult> {
    const email = normaliseEmail(input.email);
    const errors = validateEmail(email);
    if (input.displayName !== undefined && input.displayName.length > 200) {
      errors.push({ field: 'displayName', rule: 'max_length', message: 'displayName must be at most 200 characters' });
    }
    if (errors.length > 0) throw MasalaException.validation(errors);
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);

    // The lookup and the insert share one write transaction. On SQLite the write queue runs two
    // requests for the same new address one after the other, so the second finds the first.
    // NOTE: on PostgreSQL the second concurrent insert fails on the unique index of
    // (tenant_id, email_lookup) instead, and is not yet retried as a lookup.
    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const existing = await manager.findOne(User, { where: { tenantId, emailLookup } });
      if (existing) {
        if (input.customersOnly && !isCustomerOnly(existing.roles)) throw requesterNotCustomer();
        return { userId: existing.id, created: false };
      }

      const fields = newUserFields({
        tenantId,
        email,
        emailLookup,
        displayName: input.displayName,
        roles: ['Customer'],
        status: 'active',
        passwordHash: null,
      });
      const created = manager.create(User, fields);
      await manager.insert(User, created);
      await unitOfWork.emit(
        new UserCreatedEvent(tenantId, actor, created.id, {
          new: { email, displayName: created.displayName, roles: created.roles, status: created.status, source: 'intake' },
        }),
      );
      return { userId: created.id, created: true };
    });
  }
}

function isCustomerOnly(roles: readonly string[]): boolean {
  return roles.length > 0 && roles.every((role) => role === 'Customer');
}

/** Builds the 409 problem. It names no role or account id, only that the account is not a Customer. */
function requesterNotCustomer(): MasalaException {
  return new MasalaException(ErrorCode.Conflict, 'The requester must be a Customer account', {
    errors: [
      {
        field: 'email',
        rule: 'requester_not_customer',
        message:
          'email belongs to an account that is not a Customer. Send the address of a Customer, or file the ticket as that user',
      },
    ],
  });
}
