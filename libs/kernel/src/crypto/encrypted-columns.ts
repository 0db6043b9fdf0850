import type { DataSource } from 'typeorm';

import { EncryptedColumnTransformer } from './encrypted-column.js';

/** One column with an EncryptedColumnTransformer, as found in the entity metadata. */
export interface EncryptedColumn {
  property: string;
  /** Database column name. */
  column: string;
  transformer: EncryptedColumnTransformer;
}

/** The encrypted columns of one tenant table, with the primary key for keyset pagination. */
export interface EncryptedTable {
  table: string;
  /** Database names of the primary key columns; `tenant_id` comes first in every tenant table. */
  primaryKey: string[];
  columns: EncryptedColumn[];
}

/**
 * Lists every tenant table that has encrypted columns, from the TypeORM metadata. Rotation and
 * backups use it, so a column gets re-encrypted as soon as its entity declares the transformer.
 */
export function findEncryptedTables(dataSource: DataSource): EncryptedTable[] {
  const tables: EncryptedTable[] = [];
  for (const metadata of dataSource.entityMetadatas) {
    const columns: EncryptedColumn[] = [];
    for (const column of metadata.columns) {
      if (column.transformer instanceof EncryptedColumnTransformer) {
        columns.push({
          property: column.propertyName,
          column: column.databaseName,
          transformer: column.transformer,
        });
      }
    }
    if (columns.length === 0) continue;
    const primaryKey = metadata.primaryColumns.map((column) => column.databaseName);
    if (primaryKey[0] !== 'tenant_id') {
      throw new Error(
        `Table ${metadata.tableName} has encrypted columns but its primary key does not start ` +
          'with tenant_id, so its rows cannot be re-encrypted per tenant.',
      );
    }
    tables.push({ table: metadata.tableName, primaryKey, columns });
  }
  return tables.sort((a, b) => a.table.localeCompare(b.table));
}
