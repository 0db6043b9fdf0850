import type Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-context.js';
import { sha256OfFile } from './backup-manifest.js';
import { ATTACHMENT_FILES_TABLE, hasTable } from './sqlite-tables.js';

const ATTACHMENT_FILE = /^[0-9a-f-]{36}\.bin$/;

/**
 * Puts a backup's attachment files in place around the database transaction of a restore. Before
 * it, `stage` writes each file that is absent, or a temporary file beside one whose content
 * differs. After the commit, `commit` moves those temporary files over the old ones and removes
 * the files that no restored attachment names. After a failure, `discard` removes what `stage`
 * wrote, so the previous files stay as they were.
 */
export class AttachmentRestore {
  private readonly created: string[] = [];
  private readonly replacements: Array<{ temporary: string; target: string }> = [];
  private readonly names = new Set<string>();
  private readonly startedAt = Date.now();

  constructor(private readonly folder: string) {}

  /** Writes the backup's files; calls `onFile` after each one. Returns the number of files. */
  stage(copy: Database.Database, onFile: () => void): number {
    if (!hasTable(copy, ATTACHMENT_FILES_TABLE)) return 0;
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const names = copy.prepare(`SELECT DISTINCT name FROM ${ATTACHMENT_FILES_TABLE} ORDER BY name`).pluck().all() as string[];
    const parts = copy.prepare(`SELECT content FROM ${ATTACHMENT_FILES_TABLE} WHERE name = ? ORDER BY part`).pluck();
    for (const name of names) {
      if (!ATTACHMENT_FILE.test(name)) throw new CliError(`The backup names an invalid attachment file: ${name}`);
      this.names.add(name);
      const target = join(this.folder, name);
      const temporary = `${target}.${crypto.randomUUID()}.restore.tmp`;
      const fd = openSync(temporary, 'wx', 0o600);
      try {
        for (const content of parts.iterate(name) as IterableIterator<Buffer>) writeSync(fd, content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.place(temporary, target);
      onFile();
    }
    return names.length;
  }

  /**
   * Moves the changed files into place and removes files that no restored attachment names.
   * Files written since the restore started are kept, because an upload that the API accepted
   * meanwhile writes its file before its row.
   */
  commit(): void {
    for (const { temporary, target } of this.replacements) renameSync(temporary, target);
    if (!existsSync(this.folder)) return;
    for (const name of readdirSync(this.folder)) {
      if (!ATTACHMENT_FILE.test(name) || this.names.has(name)) continue;
      const path = join(this.folder, name);
      if (statSync(path).mtimeMs < this.startedAt) rmSync(path, { force: true });
    }
  }

  discard(): void {
    for (const path of this.created) rmSync(path, { force: true });
    for (const { temporary } of this.replacements) rmSync(temporary, { force: true });
  }

  private place(temporary: string, target: string): void {
    let existing: string | undefined;
    try {
      existing = sha256OfFile(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (existing === undefined) {
      renameSync(temporary, target);
      this.created.push(target);
    } else if (existing === sha256OfFile(temporary)) {
      rmSync(temporary, { force: true });
    } else {
      this.replacements.push({ temporary, target });
    }
  }
}
