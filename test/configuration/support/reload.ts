import { createHash } from 'node:crypto';
import type { TestApp } from '../../support/test-app.js';

/** Computes the SHA-256 of a file's bytes, which the catalog uses as the version id. */
export function versionOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Returns the 1-based number of the `occurrence`-th line of `text` containing `fragment`. */
export function lineOf(text: string, fragment: string, occurrence = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    if (lines[index]?.includes(fragment)) {
      seen += 1;
      if (seen === occurrence) return index + 1;
    }
  }
  throw new Error(`The text has no occurrence ${occurrence} of ${JSON.stringify(fragment)}`);
}

/**
 * Requests GET /domains until its version is `expected`, for changes that only the file watcher
 * applies. Gives up after `timeoutMs` and returns the last version seen.
 */
export async function waitForVersion(
  t: TestApp,
  headers: Record<string, string>,
  expected: string,
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let version = '';
  while (Date.now() < deadline) {
    const response = await t.http.get('/api/v1/domains').set(headers);
    version = (response.body as { version: string }).version;
    if (version === expected) return version;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return version;
}

export interface AuditEntryBody {
  action: string;
  entityId: string;
  configVersion: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
}

/** Lists the tenant's `configuration.activated` audit entries, oldest first. */
export async function activations(
  t: TestApp,
  headers: Record<string, string>,
): Promise<AuditEntryBody[]> {
  const response = await t.http
    .get('/api/v1/audit?action=configuration.activated&order=asc')
    .set(headers)
    .expect(200);
  return response.body.data as AuditEntryBody[];
}
