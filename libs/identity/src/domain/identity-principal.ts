import type { Principal } from '#kernel';

/** A principal as identity's guard sees it, with the enrolment-only marker of restricted sessions. */
export interface IdentityPrincipal extends Principal {
  /** Set for a session that may only enrol a second factor before it gets any permission. */
  twoFactorEnrolmentOnly?: boolean;
}

export function isEnrolmentOnly(principal: Principal): boolean {
  return (principal as IdentityPrincipal).twoFactorEnrolmentOnly === true;
}
