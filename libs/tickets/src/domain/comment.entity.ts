import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn, encryptedText } from '#kernel';

/** A reply on a ticket. Internal notes are visible only to callers with `comments.internal`. */
@Entity({ name: 'ticket_comments' })
@Index('ticket_comments_tenant_ticket', ['tenantId', 'ticketId', 'createdAt', 'id'])
@Index('ticket_comments_tenant_author', ['tenantId', 'authorId'])
export class TicketComment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  ticketId: string;

  @Column({ type: 'varchar', length: 36 })
  authorId: string;

  @Column({ type: 'text', transformer: encryptedText('ticket_comments.body') })
  body: string;

  @Column({ type: 'boolean' })
  internal: boolean;

  /** 1 for the original text, plus one per edit; earlier texts are in `comment_revisions`. */
  @Column({ type: 'integer' })
  version: number;

  @TimestampColumn({ nullable: true })
  editedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
