/*
 * A ticket's `updatedAt` is the time of its last change that every reader of the ticket can
 * see: its fields, status, assignee or project, and its public replies. Internal notes never
 * move it, so customers cannot infer them from the ticket or from its place in `sort=updated`.
 */

/**
 * Returns the update time after public activity at `at`. An imported reply can be older than
 * the ticket's last change, and the update time never moves back.
 */
export function updateTimeAfter(current: Date, at: Date): Date {
  return at.getTime() > current.getTime() ? at : current;
}

/** SQL expression that keeps the stored update time, so that no subscriber stamps a new one. */
export const keepUpdateTime = (): string => 'updated_at';
