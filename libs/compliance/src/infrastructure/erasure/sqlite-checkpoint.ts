import Database from 'better-sqlite3';

export type CheckpointOutcome = 'truncated' | 'busy' | 'not_applicable';

/**
 * Runs `PRAGMA wal_checkpoint(TRUNCATE)` on a SQLite file from a connection of its own, so the
 * application's write connection, which may be inside a transaction, is not disturbed. The
 * checkpoint copies every committed page into the main file and truncates the WAL to zero bytes,
 * so page images written before an erasure no longer exist in the WAL. The busy timeout lets it
 * wait for a running write transaction or reader.
 */
export function checkpointSqliteFile(file: string, busyTimeoutMs: number): CheckpointOutcome {
  const database = new Database(file, { fileMustExist: true });
  try {
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const [result] = database.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result && result.busy === 0 ? 'truncated' : 'busy';
  } finally {
    database.close();
  }
}
