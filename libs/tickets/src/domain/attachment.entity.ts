import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, encryptedText } from '#kernel';

/**
 * A file attached to a ticket. The content is stored encrypted in the data folder under
 * `attachments/<tenantId>/<id>.bin`, and this row contains its metadata and its file key.
 */
@Entity({ name: 'ticket_attachments' })
@Index('ticket_attachments_tenant_ticket', ['tenantId', 'ticketId', 'createdAt', 'id'])
@Index('ticket_attachments_tenant_uploader', ['tenantId', 'uploaderId'])
export class TicketAttachment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  ticketId: string;

  @Column({ type: 'varchar', length: 36 })
  uploaderId: string;

  /** Sanitised file name, used only in Content-Disposition, never as a path. */
  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  /** Media type detected from the content, not the one the client sent. */
  @Column({ type: 'varchar', length: 255 })
  contentType: string;

  /** Size of the plaintext in bytes. */
  @Column({ type: 'integer' })
  size: number;

  /** SHA-256 of the plaintext, hex. */
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  /** Only readers with `comments.internal` see an internal attachment. */
  @Column({ type: 'boolean' })
  internal: boolean;

  /** AES-256 key of the file, itself encrypted with the tenant data key, so key rotation rewraps it. */
  @Column({ type: 'text', transformer: encryptedText('ticket_attachments.file_key') })
  fileKey: string;

  @CreatedAtColumn()
  createdAt: Date;
}
