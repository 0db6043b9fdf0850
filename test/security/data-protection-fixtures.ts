import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand } from '#identity';
import { RequestContext, SYSTEM_ACTOR } from '#kernel';
import type { Tenant } from '#tenancy';
import type { TestApp } from '../support/test-app.js';

/** A domain configuration with one custom field marked `sensitive` (`patient_number`). */
export const SENSITIVE_DOMAINS_YAML = `
domains:
  CARE:
    display_name: "Patient Care"
    custom_fields:
      - name: patient_number
        label: "Patient number"
        type: text
        sensitive: true
      - name: ward
        label: "Ward"
        type: text
    workflow:
      states:
        - code: OPEN
          name: "Open"
        - code: DONE
          name: "Done"
      transitions:
        OPEN: [DONE]
        DONE: []
`;

/** Writes the sensitive-field configuration to a new folder and returns the folder. */
export function writeSensitiveConfig(): string {
  const folder = mkdtempSync(join(tmpdir(), 'masala-config-'));
  writeFileSync(join(folder, 'masala_domains.yaml'), SENSITIVE_DOMAINS_YAML);
  return folder;
}

/** Creates a user with a display name, which the test app helper leaves empty. */
export async function createNamedUser(
  t: TestApp,
  tenant: Tenant,
  email: string,
  displayName: string,
  roles: string[],
): Promise<string> {
  const commands = t.app.get(CommandBus);
  const result = await RequestContext.run(
    { correlationId: `test-${crypto.randomUUID()}`, system: true },
    () =>
      RequestContext.withTenant(tenant.id, () =>
        commands.execute(
          new CreateUserCommand(tenant.id, SYSTEM_ACTOR, {
            email,
            displayName,
            roles,
            password: 'correct-horse-battery-staple-42',
          }),
        ),
      ),
  );
  return result.user.id;
}

/** Reads every SQLite file below `folder`, with its -wal and -shm companions, keyed by path. */
export function readDatabaseBytes(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.sqlite(-wal|-shm)?$/.test(entry.name)) files.set(path, readFileSync(path));
    }
  };
  visit(folder);
  return files;
}
