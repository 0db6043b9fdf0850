/** Outcome of one doctor check; `fail` makes `masala doctor` exit with code 1. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** The area checked: settings, domain configuration, data folder, database, ... */
  check: string;
  status: CheckStatus;
  detail: string;
  /** Action for the operator; present for `warn` and `fail`. */
  fix?: string;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
export const skip = (check: string, detail: string): CheckResult => ({ check, status: 'skip', detail });

/** File mode bits as the four octal digits that chmod takes, such as `0644`. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
