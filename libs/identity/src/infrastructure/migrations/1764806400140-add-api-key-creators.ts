import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * Records on each API key the user whose rights bound it (`creator_user_id`) and the key that
 * created it (`parent_key_id`). Before this migration `created_by` held either a user id or,
 * for a key created with another key, that key's id; the backfill resolves both, following a
 * chain of keys up to its user. A key whose chain ends at no existing user keeps a null creator,
 * and the API then rejects it, as it rejects a key with more keys above it than creation allows.
 */
export class AddApiKeyCreators1764806400140 implements MigrationInterface {
  name = 'AddApiKeyCreators1764806400140';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    const backfill = [
      `UPDATE api_keys SET creator_user_id = created_by
         WHERE EXISTS (SELECT 1 FROM users WHERE users.tenant_id = api_keys.tenant_id AND users.id = api_keys.created_by)`,
      `UPDATE api_keys SET parent_key_id = created_by
         WHERE EXISTS (SELECT 1 FROM api_keys AS parent
                        WHERE parent.tenant_id = api_keys.tenant_id AND parent.id = api_keys.created_by)`,
      `WITH RECURSIVE chain (tenant_id, id, root) AS (
         SELECT tenant_id, id, creator_user_id FROM api_keys WHERE creator_user_id IS NOT NULL
         UNION ALL
         SELECT child.tenant_id, child.id, chain.root FROM api_keys AS child
           JOIN chain ON child.tenant_id = chain.tenant_id AND child.parent_key_id = chain.id
       )
       UPDATE api_keys SET creator_user_id =
         (SELECT chain.root FROM chain WHERE chain.tenant_id = api_keys.tenant_id AND chain.id = api_keys.id)
         WHERE creator_user_id IS NULL AND parent_key_id IS NOT NULL`,
    ];
    const columns = [
      'ALTER TABLE api_keys ADD COLUMN creator_user_id varchar(36)',
      'ALTER TABLE api_keys ADD COLUMN parent_key_id varchar(36)',
    ];
    if (sql.dialect === 'sqlite') {
      await runStatements(queryRunner, [...columns, ...backfill]);
      return;
    }
    // Row-level security hides every row from a transaction without a tenant, the owner's too
    // while FORCE is set. Lifting FORCE for this one transaction lets the owner reach all tenants.
    await runStatements(queryRunner, [
      ...columns,
      'ALTER TABLE api_keys NO FORCE ROW LEVEL SECURITY',
      'ALTER TABLE users NO FORCE ROW LEVEL SECURITY',
      ...backfill,
      'ALTER TABLE users FORCE ROW LEVEL SECURITY',
      'ALTER TABLE api_keys FORCE ROW LEVEL SECURITY',
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, [
      'ALTER TABLE api_keys DROP COLUMN parent_key_id',
      'ALTER TABLE api_keys DROP COLUMN creator_user_id',
    ]);
  }
}
