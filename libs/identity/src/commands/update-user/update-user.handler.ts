import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  describeExpectedVersion,
  ErrorCode,
  MasalaException,
  TenantDatabase,
  versionMatches,
  type Actor,
  type UnitOfWork,
} from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import {
  AccountUnlockedEvent,
  UserDisabledEvent,
  UserEnabledEvent,
  UserRoleChangedEvent,
  UserUpdatedEvent,
} from '../../events/identity.events.js';
import { RoleCatalog } from '../../infrastructure/role-catalog.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { UpdateUserCommand, type UserChanges } from './update-user.command.js';

/**
 * Applies an Admin's changes, each audited on its own: display name, roles (old and new),
 * disabling (which ends every session), re-enabling and lifting a lockout. An Admin cannot
 * disable themselves or drop their own Admin role, so a tenant cannot lose its last Admin that way.
 */
@CommandHandler(UpdateUserCommand)
export class UpdateUserHandler implements ICommandHandler<UpdateUserCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly roles: RoleCatalog,
  ) {}

  async execute({ tenantId, actor, userId, changes, expectedVersion }: UpdateUserCommand): Promise<User> {
    if (changes.roles) {
      const errors = await this.roles.validateRoles(changes.roles, tenantId);
      if (errors.length > 0) throw MasalaException.validation(errors);
    }
    this.rejectSelfLockout(actor, userId, changes);

    return this.database.write(tenantId, async (unitOfWork) => {
      const user = await unitOfWork.manager.findOne(User, { where: { tenantId, id: userId } });
      if (!user) throw IdentityException.userNotFound();
      if (expectedVersion !== undefined && !versionMatches(expectedVersion, user.version)) {
        throw new MasalaException(
          ErrorCode.PreconditionFailed,
          `The user has changed: If-Match was ${describeExpectedVersion(expectedVersion)} but the current version is ${user.version}; reload and retry`,
        );
      }
      if (user.status === 'erased') throw IdentityException.conflict('The user has been erased and cannot change');

      await this.applyProfile(unitOfWork, actor, user, changes);
      await this.applyStatus(unitOfWork, actor, user, changes);
      await unitOfWork.manager.save(user);
      return user;
    });
  }

  private rejectSelfLockout(actor: Actor, userId: string, changes: UserChanges): void {
    if (actor.id !== userId) return;
    if (changes.status === 'disabled' || (changes.roles && !changes.roles.includes('Admin'))) {
      throw IdentityException.conflict(
        'You cannot disable your own account or remove your own Admin role; ask another Admin',
      );
    }
  }

  private async applyProfile(unitOfWork: UnitOfWork, actor: Actor, user: User, changes: UserChanges): Promise<void> {
    const { tenantId } = unitOfWork;
    if (changes.displayName !== undefined && changes.displayName.trim() !== user.displayName) {
      const old = user.displayName;
      user.displayName = changes.displayName.trim();
      await unitOfWork.emit(
        new UserUpdatedEvent(tenantId, actor, user.id, { old: { displayName: old }, new: { displayName: user.displayName } }),
      );
    }
    const roles = changes.roles ? [...new Set(changes.roles)] : undefined;
    if (roles && roles.slice().sort().join() !== user.roles.slice().sort().join()) {
      const old = user.roles;
      user.roles = roles;
      await unitOfWork.emit(new UserRoleChangedEvent(tenantId, actor, user.id, { old: { roles: old }, new: { roles } }));
    }
  }

  private async applyStatus(unitOfWork: UnitOfWork, actor: Actor, user: User, changes: UserChanges): Promise<void> {
    const { tenantId, manager } = unitOfWork;
    if (changes.status === 'disabled' && user.status !== 'disabled') {
      const old = user.status;
      user.status = 'disabled';
      await endAllSessions(manager, user);
      await unitOfWork.emit(new UserDisabledEvent(tenantId, actor, user.id, { old: { status: old }, new: { status: 'disabled' } }));
    }
    if (changes.status === 'active' && user.status !== 'active') {
      if (user.status !== 'disabled') {
        throw IdentityException.conflict(`An ${user.status} user cannot be enabled; only disabled users can`);
      }
      user.status = 'active';
      await unitOfWork.emit(new UserEnabledEvent(tenantId, actor, user.id, { old: { status: 'disabled' }, new: { status: 'active' } }));
    }
    if (changes.locked === false && (user.lockedUntil !== null || user.failedLogins > 0)) {
      const lockedUntil = user.lockedUntil?.toISOString() ?? null;
      user.lockedUntil = null;
      user.failedLogins = 0;
      await unitOfWork.emit(new AccountUnlockedEvent(tenantId, actor, user.id, { old: { lockedUntil }, new: { reason: 'admin' } }));
    }
  }
}
