import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn, encryptedText } from '#kernel';

/** Ticket events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.transitioned', 'ticket.assigned', 'ticket.commented'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** An HTTP endpoint of a tenant that receives signed ticket events. */
@Entity({ name: 'webhooks' })
@Index('webhooks_tenant_created', ['tenantId', 'createdAt', 'id'])
export class Webhook {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'simple-json' })
  events: WebhookEventType[];

  /** HMAC-SHA256 key for the X-Masala-Signature header, shown once at creation. */
  @Column({ type: 'text', transformer: encryptedText('webhooks.secret') })
  secret: string;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
