import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn, TimestampColumn, encryptedJsonFields, encryptedText } from '#kernel';

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** Sort rank of each priority, stored beside it so `sort=priority` can use an index. */
export const PRIORITY_RANK: Readonly<Record<TicketPriority, number>> = {
  low: 1,
  normal: 2,
  high: 3,
  urgent: 4,
};

/** A work item. `status` is the code of a state in its domain's workflow. */
@Entity({ name: 'tickets' })
@Index('tickets_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('tickets_tenant_status', ['tenantId', 'status', 'createdAt'])
@Index('tickets_tenant_assignee', ['tenantId', 'assigneeId', 'createdAt'])
@Index('tickets_tenant_requester', ['tenantId', 'requesterId', 'createdAt'])
@Index('tickets_tenant_updated', ['tenantId', 'updatedAt', 'id'])
@Index('tickets_tenant_due', ['tenantId', 'dueAt', 'id'])
@Index('tickets_tenant_priority', ['tenantId', 'priorityRank', 'id'])
@Index('tickets_tenant_project', ['tenantId', 'projectId', 'createdAt'])
@Index('tickets_tenant_external_ref', ['tenantId', 'externalRef'], { unique: true })
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

  @Column({ type: 'text', transformer: encryptedText('tickets.description') })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  priority: TicketPriority;

  @Column({ type: 'integer' })
  priorityRank: number;

  /** Values of the custom fields that the domain configuration marks `sensitive` are encrypted. */
  @Column({ type: 'simple-json', transformer: encryptedJsonFields('tickets.custom_fields') })
  customFields: Record<string, unknown>;

  @Column({ type: 'varchar', length: 36 })
  requesterId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  assigneeId: string | null;

  /** The project (work container) the ticket belongs to, if any. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  projectId: string | null;

  /** Normalised tags in insertion order; `ticket_tags` holds the same set for filtering. */
  @Column({ type: 'simple-json' })
  tags: string[];

  /** Users notified of changes besides the requester and the assignee. */
  @Column({ type: 'simple-json' })
  watcherIds: string[];

  /** Number of comments, internal notes included. */
  @Column({ type: 'integer' })
  commentCount: number;

  /** Number of public comments, the only count customers see. */
  @Column({ type: 'integer' })
  publicCommentCount: number;

  /** Identifier in the system the ticket was imported from, so a repeated import skips it. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  externalRef: string | null;

  /** SHA-256 of the domain configuration the ticket was created under. */
  @Column({ type: 'varchar', length: 64 })
  configVersion: string;

  @Column({ type: 'integer' })
  version: number;

  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  /** When the ticket last entered a done state; null while it is open. */
  @TimestampColumn({ nullable: true })
  resolvedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @TimestampColumn({ nullable: true })
  deletedAt: Date | null;
}
