import { Command } from '@nestjs/cqrs';
import type { Actor, ExpectedVersion } from '#kernel';
import type { User } from '../../domain/user.entity.js';

export interface UserChanges {
  displayName?: string;
  roles?: string[];
  /** `disabled` ends every session, and `active` re-enables a disabled account. */
  status?: 'active' | 'disabled';
  /** `false` lifts a lockout before it expires. */
  locked?: false;
}

/** An Admin's change to an account; `expectedVersion` comes from If-Match. */
export class UpdateUserCommand extends Command<User> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly userId: string,
    readonly changes: UserChanges,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
