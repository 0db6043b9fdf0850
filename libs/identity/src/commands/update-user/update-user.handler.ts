import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import {
  describeExpectedVersion,
  ErrorCode,
  MasalaException,
  TenantDatabase,
  versionMatches,
  type Actor,
  type UnitOfWork,
} from '#kernel';
import { ApiKey } from '../../domain/api-key.entity.js';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import {
  AccountUnlockedEvent,
  UserDisabledEvent,
  UserEnabledEvent,
  UserRoleChangedEvent,
  UserUpdatedEvent,
} from '../../events/identity.events.js';
import { hasAnotherActiveAdmin, isActiveAdmin } from '../../infrastructure/active-admins.js';
import { RoleCatalog } from '../../infrastructure/role-catalog.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { UpdateUserCommand, type UserChanges } from './update-user.command.js';

/**
 * Applies an Admin's changes, each audited on its own: display name, roles (old and new),
 * disabling (which ends every session), re-enabling and lifting a lockout. A user cannot change
 * their own roles or disable themselves, directly or through an API key they created, so granting
 * oneself a role such as ComplianceOfficer takes a second Admin. No change may take away the
 * tenant's last active Admin.
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

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOne(User, { where: { tenantId, id: userId } });
      if (!user) throw IdentityException.userNotFound();
      if (expectedVersion !== undefined && !versionMatches(expectedVersion, user.version)) {
        throw new MasalaException(
          ErrorCode.PreconditionFailed,
          `The user has changed: If-Match was ${describeExpectedVersion(expectedVersion)} but the current version is ${user.version}; reload and retry`,
        );
      }
      if (user.status === 'erased') throw IdentityException.conflict('The user has been erased and cannot change');

      const roles = changes.roles ? [...new Set(changes.roles)] : undefined;
      const newRoles = roles && !sameRoles(roles, user.roles) ? roles : undefined;
      if ((await this.personBehind(manager, tenantId, actor)) === user.id) {
        rejectSelfChange(changes, newRoles);
      }
      await keepAnActiveAdmin(manager, user, newRoles, changes.status);

      await this.applyProfile(unitOfWork, actor, user, changes.displayName, newRoles);
      await this.applyStatus(unitOfWork, actor, user, changes);
      await manager.save(user);
      return user;
    });
  }

  /** Returns the id of the user acting: the user, or the creator of the API key that acts. */
  private async personBehind(manager: EntityManager, tenantId: string, actor: Actor): Promise<string | null> {
    if (actor.type === 'user') return actor.id;
    if (actor.type !== 'api_key') return null;
    const key = await manager.findOne(ApiKey, { select: { tenantId: true, id: true, creatorUserId: true }, where: { tenantId, id: actor.id } });
    return key?.creatorUserId ?? null;
  }

  private async applyProfile(
    unitOfWork: UnitOfWork,
    actor: Actor,
    user: User,
    displayName: string | undefined,
    newRoles: string[] | undefined,
  ): Promise<void> {
    const { tenantId } = unitOfWork;
    if (displayName !== undefined && displayName.trim() !== user.displayName) {
      const old = user.displayName;
      user.displayName = displayName.trim();
      await unitOfWork.emit(
        new UserUpdatedEvent(tenantId, actor, user.id, { old: { displayName: old }, new: { displayName: user.displayName } }),
      );
    }
    if (newRoles) {
      const old = user.roles;
      user.roles = newRoles;
      await unitOfWork.emit(new UserRoleChangedEvent(tenantId, actor, user.id, { old: { roles: old }, new: { roles: newRoles } }));
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

function sameRoles(left: readonly string[], right: readonly string[]): boolean {
  return left.slice().sort().join() === right.slice().sort().join();
}

function rejectSelfChange(changes: UserChanges, newRoles: string[] | undefined): void {
  if (newRoles) throw IdentityException.selfRoleChange();
  if (changes.status === 'disabled') {
    throw IdentityException.conflict('You cannot disable your own account; ask another Admin');
  }
}

/** Rejects taking the Admin role from, or disabling, the tenant's last active Admin. */
async function keepAnActiveAdmin(
  manager: EntityManager,
  user: User,
  newRoles: string[] | undefined,
  status: UserChanges['status'],
): Promise<void> {
  if (!isActiveAdmin(user)) return;
  const losesAdmin = newRoles !== undefined && !newRoles.includes('Admin');
  if (!losesAdmin && status !== 'disabled') return;
  if (!(await hasAnotherActiveAdmin(manager, user.tenantId, user.id))) {
    throw IdentityException.lastAdmin(losesAdmin ? 'roles' : 'status');
  }
}
