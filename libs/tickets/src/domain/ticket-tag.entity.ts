import { Entity, Index, PrimaryColumn } from 'typeorm';

/** One tag of one ticket, so `GET /tickets?tag=` is an index lookup instead of a JSON scan. */
@Entity({ name: 'ticket_tags' })
@Index('ticket_tags_tenant_ticket', ['tenantId', 'ticketId'])
export class TicketTag {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  ticketId: string;
}
