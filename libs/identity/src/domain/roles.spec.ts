import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { PERMISSIONS } from '#kernel';
import { BUILT_IN_ROLES, permissionsFor } from './roles.js';

const README = new URL('../../../../README.md', import.meta.url);

/** Reads the permission table of the README's security section: permission to granted roles. */
function documentedGrants(): Map<string, string[]> {
  const text = readFileSync(README, 'utf8');
  const header = '| permission | Admin | Employee | Customer | ComplianceOfficer |';
  const start = text.indexOf(header);
  if (start < 0) throw new Error('README.md has no role and permission table');
  const rows = text.slice(start).split('\n').slice(2);
  const grants = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.startsWith('| `')) break;
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
    const permission = cells[0]!.replace(/`/g, '');
    grants.set(permission, BUILT_IN_ROLES.filter((_role, index) => cells[index + 1] === 'yes'));
  }
  return grants;
}

describe('built-in roles', () => {
  it('match the README table', () => {
    const documented = documentedGrants();
    expect([...documented.keys()]).toEqual([...PERMISSIONS]);
    for (const permission of PERMISSIONS) {
      const granted = BUILT_IN_ROLES.filter((role) => permissionsFor([role]).has(permission));
      expect({ permission, roles: documented.get(permission) }).toEqual({ permission, roles: granted });
    }
  });

  it('grant a domain role its listed permissions', () => {
    const granted = permissionsFor(['Dispatcher'], new Map([['Dispatcher', ['tickets.read', 'tickets.transition']]]));
    expect([...granted].sort()).toEqual(['tickets.read', 'tickets.transition']);
  });

  it('grant nothing for an unknown role', () => {
    expect(permissionsFor(['Nobody']).size).toBe(0);
  });
});
