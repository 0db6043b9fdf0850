import { Ticket } from './domain/ticket.entity.js';
import { CreateTickets1764806400200 } from './infrastructure/migrations/1764806400200-create-tickets.js';
import { DomainConfigActivation } from './infrastructure/configuration/domain-config-activation.entity.js';
import { DomainConfigVersion } from './infrastructure/configuration/domain-config-version.entity.js';
import { CreateDomainConfigVersions1764806400250 } from './infrastructure/migrations/1764806400250-create-domain-config-versions.js';

export { TicketsModule } from './tickets.module.js';
export { Ticket } from './domain/ticket.entity.js';
export type { TicketView } from './domain/ticket.view.js';
export { CreateTicketCommand } from './commands/create-ticket/create-ticket.command.js';
export { TransitionTicketCommand } from './commands/transition-ticket/transition-ticket.command.js';
export { GetTicketQuery } from './queries/get-ticket/get-ticket.query.js';
export { ListTicketsQuery } from './queries/list-tickets/list-tickets.query.js';
export { DomainCatalog, DOMAIN_FILE_NAME } from './infrastructure/domain-catalog.js';
export type { ReloadResult, ActivatedFile } from './infrastructure/domain-catalog.js';
export { DomainConfigVersion } from './infrastructure/configuration/domain-config-version.entity.js';
export { DomainConfigActivation } from './infrastructure/configuration/domain-config-activation.entity.js';
export { ConfigurationActivatedEvent } from './events/configuration-activated.event.js';
export { TicketCreatedEvent, TicketTransitionedEvent } from './events/ticket.events.js';
export * from './configuration/index.js';

export const TICKETS_ENTITIES = [Ticket, DomainConfigVersion, DomainConfigActivation];
export const TICKETS_MIGRATIONS = [CreateTickets1764806400200, CreateDomainConfigVersions1764806400250];
