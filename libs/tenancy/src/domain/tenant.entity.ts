import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '#kernel';

export type TenantStatus = 'active' | 'suspended';
export type TenantStorage = 'shared' | 'dedicated';

/** Per-tenant settings an operator can change; absent values fall back to the instance defaults. */
export interface TenantSettings {
  rateLimitPerMinute?: number;
  corsOrigins?: string[];
  mandatoryTwoFactor?: boolean;
  retentionDays?: number;
  auditRetentionDays?: number;
}

/**
 * A tenant in the registry. The registry is platform data, not tenant data, so this table alone
 * has no `tenant_id` column; it lives in the catalog database.
 */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  status: TenantStatus;

  @Column({ type: 'varchar', length: 2 })
  jurisdiction: string;

  @Column({ type: 'varchar', length: 16 })
  storage: TenantStorage;

  @Column({ type: 'simple-json' })
  settings: TenantSettings;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
