import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * While a row for a tenant exists in this table, the append-only triggers let the same transaction
 * UPDATE and DELETE that tenant's audit entries. Rows live only inside one transaction: the
 * redactor and the archiver insert one, rewrite, and delete it before the transaction ends.
 */
@Entity({ name: 'audit_rewrite_permits' })
export class AuditRewritePermit {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  reason: string;
}
