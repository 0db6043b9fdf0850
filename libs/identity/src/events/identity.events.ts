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
