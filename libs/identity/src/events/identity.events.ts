import { DomainEvent, type Actor } from '#kernel';

/** Identity events; each names the user it concerns as an audit subject. */
abstract class UserEvent extends DomainEvent {
  constructor(
    tenantId: string,
    actor: Actor,
    userId: string,
    changes: { old?: Record<string, unknown>; new?: Record<string, unknown> } = {},
  ) {
    super(tenantId, actor, 'user', userId, changes, {
      subjectIds: [userId],
      personalFields: ['email', 'displayName'],
    });
  }
}

export class UserCreatedEvent extends UserEvent {
  readonly action = 'user.created';
}

export class LoginSucceededEvent extends UserEvent {
  readonly action = 'auth.login_succeeded';
}

export class LoginFailedEvent extends UserEvent {
  readonly action = 'auth.login_failed';
}

export class AccountLockedEvent extends UserEvent {
  readonly action = 'auth.account_locked';
}

export class AccountUnlockedEvent extends UserEvent {
  readonly action = 'auth.account_unlocked';
}

export class LoggedOutEvent extends UserEvent {
  readonly action = 'auth.logged_out';
}

export class SessionRefreshedEvent extends UserEvent {
  readonly action = 'auth.session_refreshed';
}

export class RefreshTokenReusedEvent extends UserEvent {
  readonly action = 'auth.refresh_token_reused';
}

/** A failed login for an e-mail address that has no account in the tenant. */
export class UnknownAccountLoginFailedEvent extends DomainEvent {
  readonly action = 'auth.login_failed';

  constructor(tenantId: string, actor: Actor) {
    super(tenantId, actor, 'user', 'unknown', { new: { reason: 'unknown_account' } });
  }
}

export class UserInvitedEvent extends UserEvent {
  readonly action = 'user.invited';
}

export class InvitationAcceptedEvent extends UserEvent {
  readonly action = 'user.invitation_accepted';
}

export class UserUpdatedEvent extends UserEvent {
  readonly action = 'user.updated';
}

/** Carries the roles before and after in `changes.old.roles` and `changes.new.roles`. */
export class UserRoleChangedEvent extends UserEvent {
  readonly action = 'user.role_changed';
}

export class UserDisabledEvent extends UserEvent {
  readonly action = 'user.disabled';
}

export class UserEnabledEvent extends UserEvent {
  readonly action = 'user.enabled';
}

export class PasswordChangedEvent extends UserEvent {
  readonly action = 'auth.password_changed';
}

export class PasswordChangeFailedEvent extends UserEvent {
  readonly action = 'auth.password_change_failed';
}

export class PasswordResetRequestedEvent extends UserEvent {
  readonly action = 'auth.password_reset_requested';
}

export class PasswordResetCompletedEvent extends UserEvent {
  readonly action = 'auth.password_reset';
}

/** A reset request for an e-mail address with no active account in the tenant. */
export class UnknownAccountPasswordResetRequestedEvent extends DomainEvent {
  readonly action = 'auth.password_reset_requested';

  constructor(tenantId: string, actor: Actor) {
    super(tenantId, actor, 'user', 'unknown', { new: { reason: 'unknown_account' } });
  }
}

export class TwoFactorSetupStartedEvent extends UserEvent {
  readonly action = 'auth.two_factor_setup_started';
}

export class TwoFactorEnabledEvent extends UserEvent {
  readonly action = 'auth.two_factor_enabled';
}

export class TwoFactorDisabledEvent extends UserEvent {
  readonly action = 'auth.two_factor_disabled';
}

/** A one-time code that did not match, at sign-in or when changing the second factor. */
export class TwoFactorFailedEvent extends UserEvent {
  readonly action = 'auth.two_factor_failed';
}

export class RecoveryCodeUsedEvent extends UserEvent {
  readonly action = 'auth.recovery_code_used';
}
