import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '#kernel';

export const PROJECT_STATUSES = ['PLANNED', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'CANCELLED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A project (the domain model's work container) that groups tickets. */
@Entity({ name: 'projects' })
@Index('projects_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('projects_tenant_status', ['tenantId', 'status', 'createdAt'])
@Index('projects_tenant_external_ref', ['tenantId', 'externalRef'], { unique: true })
export class Project {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  status: ProjectStatus;

  /** The agent who runs the project, if any. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  managerId: string | null;

  /** The customer the project is done for, if any. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  customerId: string | null;

  @TimestampColumn({ nullable: true })
  targetDate: Date | null;

  /** Identifier in the system the project was imported from, so a repeated import skips it. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  externalRef: string | null;

  @Column({ type: 'integer' })
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
