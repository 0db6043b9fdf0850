import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn, encryptedText } from '#kernel';

/** The text a comment had before one edit, so the history of every comment can be shown. */
@Entity({ name: 'comment_revisions' })
@Index('comment_revisions_tenant_comment', ['tenantId', 'commentId', 'version'], { unique: true })
export class CommentRevision {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  commentId: string;

  @Column({ type: 'varchar', length: 36 })
  ticketId: string;

  /** The comment version this text belonged to. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text', transformer: encryptedText('comment_revisions.body') })
  body: string;

  /** The user whose edit replaced this text. */
  @Column({ type: 'varchar', length: 36 })
  replacedBy: string;

  /** When this text was replaced. */
  @TimestampColumn()
  replacedAt: Date;
}
