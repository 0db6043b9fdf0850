import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '#kernel';

/** Ticket search criteria as GET /tickets reads them from the query string, minus paging. */
export type SavedCriteria = Record<string, string | boolean>;

/** A named ticket search of one user; other users, even of the same tenant, never see it. */
@Entity({ name: 'saved_filters' })
@Index('saved_filters_tenant_owner_name', ['tenantId', 'ownerId', 'name'], { unique: true })
export class SavedFilter {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'simple-json' })
  criteria: SavedCriteria;

  @Column({ type: 'integer' })
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
