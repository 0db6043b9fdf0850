import { Logger } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { TicketCommentedEvent } from '../../events/comment.events.js';
import { TicketAssignedEvent, TicketCreatedEvent, TicketTransitionedEvent } from '../../events/ticket.events.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

type WebhookSourceEvent = TicketCreatedEvent | TicketTransitionedEvent | TicketAssignedEvent | TicketCommentedEvent;

/** Wakes the dispatcher after the commit of a ticket event, whose outbox rows are then readable. */
@EventsHandler(TicketCreatedEvent, TicketTransitionedEvent, TicketAssignedEvent, TicketCommentedEvent)
export class WebhookWakeHandler implements IEventHandler<WebhookSourceEvent> {
  private readonly logger = new Logger(WebhookWakeHandler.name);

  constructor(private readonly dispatcher: WebhookDispatcher) {}

  handle(event: WebhookSourceEvent): void {
    try {
      this.dispatcher.wake(event.tenantId);
    } catch (error) {
      this.logger.error({ message: 'Waking the webhook dispatcher failed', tenantId: event.tenantId, error: String(error) });
    }
  }
}
