import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '#kernel';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/**
 * One event for one webhook: the outbox row, written in the transaction of the change, that the
 * dispatcher sends after commit and retries with backoff until it succeeds or gives up.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_tenant_due', ['tenantId', 'status', 'nextAttemptAt'])
@Index('webhook_deliveries_tenant_webhook', ['tenantId', 'webhookId', 'createdAt', 'id'])
export class WebhookDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  webhookId: string;

  /** Id of the event, the same for every webhook that receives it, so receivers can deduplicate. */
  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  eventType: string;

  /** The exact request body, as signed. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @TimestampColumn()
  nextAttemptAt: Date;

  @Column({ type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @TimestampColumn({ nullable: true })
  deliveredAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
