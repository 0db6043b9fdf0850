import Database from 'better-sqlite3';

/** Opens a database file read-only, outside the application, as an operator would after a crash. */
export function openRaw(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function integrityCheck(database: Database.Database): string {
  return (database.pragma('integrity_check', { simple: true }) as string) ?? 'no result';
}
