import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/test-app.js';

const FIXTURES = join(PROJECT_ROOT, 'libs/tickets/src/configuration/fixtures');

/** The four-domain template in snake_case keys, byte for byte as published. */
export const TEMPLATE_FIXTURE = join(FIXTURES, 'masala_domains.template.yaml');
/** The two-domain file in camelCase keys, byte for byte as published. */
export const MINIMAL_FIXTURE = join(FIXTURES, 'masala_domains.minimal.yaml');

/**
 * A temporary MASALA_CONFIG_PATH. Files are replaced by writing a sibling and renaming it over
 * the target, as editors and deployment tools do, so a reader never sees half a file.
 */
export class ConfigFolder {
  private constructor(readonly path: string) {}

  static withRoot(content: string | Buffer): ConfigFolder {
    const folder = new ConfigFolder(mkdtempSync(join(tmpdir(), 'masala-config-')));
    folder.writeRoot(content);
    return folder;
  }

  static withFixture(fixture: string): ConfigFolder {
    return ConfigFolder.withRoot(readFileSync(fixture));
  }

  get rootFile(): string {
    return join(this.path, 'masala_domains.yaml');
  }

  tenantFile(slug: string): string {
    return join(this.path, 'config', slug, 'masala_domains.yaml');
  }

  writeRoot(content: string | Buffer): void {
    replaceFile(this.rootFile, content);
  }

  writeTenant(slug: string, content: string | Buffer): void {
    mkdirSync(join(this.path, 'config', slug), { recursive: true });
    replaceFile(this.tenantFile(slug), content);
  }

  removeTenant(slug: string): void {
    rmSync(join(this.path, 'config', slug), { recursive: true, force: true });
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

function replaceFile(path: string, content: string | Buffer): void {
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, content);
  renameSync(staging, path);
}
