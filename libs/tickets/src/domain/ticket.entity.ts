import {
  Column,
  Entity,
  Index,
  PrimaryColumn,
} from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn, TimestampColumn } from '#kernel';

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** A work item. `status` is the code of a state in its domain's workflow. */
@Entity({ name: 'tickets' })
@Index('tickets_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('tickets_tenant_status', ['tenantId', 'status', 'createdAt'])
@Index('tickets_tenant_assignee', ['tenantId', 'assigneeId', 'createdAt'])
@Index('tickets_tenant_requester', ['tenantId', 'requesterId', 'createdAt'])
export class Ticket {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  domainId: string;

  @Column({ type: 'varchar', length: 64 })
  typeCode: string;

  @Column({ type: 'varchar', length: 64 })
  status: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  priority: TicketPriority;

  @Column({ type: 'simple-json' })
  customFields: Record<string, unknown>;

  @Column({ type: 'varchar', length: 36 })
  requesterId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  assigneeId: string | null;

  /** SHA-256 of the domain configuration the ticket was created under. */
  @Column({ type: 'varchar', length: 64 })
  configVersion: string;

  @Column({ type: 'integer' })
  version: number;

  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @TimestampColumn({ nullable: true })
  deletedAt: Date | null;
}
