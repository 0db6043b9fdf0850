import type { DomainDefinition } from '../configuration/index.js';

/** State codes that mean the work is finished even when the workflow lets a ticket leave them. */
const DONE_STATE_NAMES = /^(CLOSED|RESOLVED|DONE|COMPLETED|COMPLETE|FINISHED)$/i;

/**
 * Returns the states of a domain that count as done: terminal states (no outgoing transitions,
 * such as CANCELLED or REJECTED) and states whose code reads as finished (RESOLVED, CLOSED, DONE,
 * COMPLETED), even where the workflow allows reopening them.
 */
export function doneStatesOf(domain: DomainDefinition): string[] {
  const { states, transitions } = domain.workflow;
  return states
    .map((state) => state.code)
    .filter((code) => (transitions[code] ?? []).length === 0 || DONE_STATE_NAMES.test(code));
}

export function isDoneState(domain: DomainDefinition, code: string): boolean {
  return doneStatesOf(domain).includes(code);
}
