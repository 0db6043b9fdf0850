import type { DataSource, EntityManager } from 'typeorm';
import { VerifyAuditChainHandler, VerifyAuditChainQuery, type ChainVerification } from '#audit';
import {
  RequestContext,
  createSqliteDataSource,
  type FieldEncryption,
  type MasalaSettings,
  type TenantDatabase,
} from '#kernel';
import { MASALA_SCHEMA } from '../../../api/src/schema.js';
import type { ChainHead } from './backup-manifest.js';

/**
 * Opens a backup file, or a working copy of one, with the application's entities, so that the
 * audit context's own code can read it. A read-only file is never changed.
 */
export async function openBackupDataSource(
  file: string,
  settings: MasalaSettings,
  readonly: boolean,
): Promise<DataSource> {
  const dataSource = createSqliteDataSource(
    { file, synchronous: 'NORMAL', busyTimeoutMs: settings.sqliteBusyTimeoutMs, readonly },
    MASALA_SCHEMA,
  );
  await dataSource.initialize();
  return dataSource;
}

/**
 * Verifies a tenant's audit hash chain in a backup file with the audit context's own handler,
 * which then reads the file instead of the live store. Decrypting the entries needs the tenant's
 * keys, so a missing key raises KeyNotFoundError or KeyRetiredError.
 */
export async function verifyBackupChain(
  dataSource: DataSource,
  tenantId: string,
  encryption: FieldEncryption,
): Promise<{ verification: ChainVerification; head: ChainHead | null }> {
  // The handler only calls `read`, so this adapter gives it the backup file in place of the
  // tenant's live database.
  const backupReader: Pick<TenantDatabase, 'read'> = {
    read: async <T>(id: string, work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      await encryption.prepareTenant(id);
      return RequestContext.run({ correlationId: `backup-check-${crypto.randomUUID()}`, tenantId: id, system: true }, () =>
        work(dataSource.manager),
      );
    },
  };
  const handler = new VerifyAuditChainHandler(backupReader as TenantDatabase);
  const verification = await handler.execute(new VerifyAuditChainQuery(tenantId));
  const rows = (await dataSource.query(
    'SELECT sequence, hash FROM audit_log_entries WHERE tenant_id = ? ORDER BY sequence DESC LIMIT 1',
    [tenantId],
  )) as ChainHead[];
  const head = rows[0] === undefined ? null : { sequence: rows[0].sequence, hash: rows[0].hash };
  return { verification, head };
}
