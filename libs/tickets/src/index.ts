import { TicketAttachment } from './domain/attachment.entity.js';
import { CommentRevision } from './domain/comment-revision.entity.js';
import { TicketComment } from './domain/comment.entity.js';
import { Project } from './domain/project.entity.js';
import { SavedFilter } from './domain/saved-filter.entity.js';
import { WebhookDelivery } from './domain/webhook-delivery.entity.js';
import { Webhook } from './domain/webhook.entity.js';
import { TicketTag } from './domain/ticket-tag.entity.js';
import { Ticket } from './domain/ticket.entity.js';
import { CreateTickets1764806400200 } from './infrastructure/migrations/1764806400200-create-tickets.js';
import { ExtendTickets1764806400210 } from './infrastructure/migrations/1764806400210-extend-tickets.js';
import { CreateProjects1764806400220 } from './infrastructure/migrations/1764806400220-create-projects.js';
import { CreateTicketSearch1764806400230 } from './infrastructure/migrations/1764806400230-create-ticket-search.js';
import { CreateComments1764806400240 } from './infrastructure/migrations/1764806400240-create-comments.js';
import { CreateSavedFilters1764806400260 } from './infrastructure/migrations/1764806400260-create-saved-filters.js';
import { CreateWebhooks1764806400270 } from './infrastructure/migrations/1764806400270-create-webhooks.js';
import { CreateAttachments1764806400280 } from './infrastructure/migrations/1764806400280-create-attachments.js';
import { NormalizeTicketTimestamps1764806400290 } from './infrastructure/migrations/1764806400290-normalize-ticket-timestamps.js';
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
export {
  DomainCatalog,
  DOMAIN_FILE_NAME,
  validateDomainConfiguration,
} from './infrastructure/domain-catalog.js';
export type { ReloadResult, ActivatedFile } from './infrastructure/domain-catalog.js';
export { DomainConfigVersion } from './infrastructure/configuration/domain-config-version.entity.js';
export { DomainConfigActivation } from './infrastructure/configuration/domain-config-activation.entity.js';
export { ConfigurationActivatedEvent } from './events/configuration-activated.event.js';
export {
  TicketAssignedEvent,
  TicketCreatedEvent,
  TicketDeletedEvent,
  TicketTransitionedEvent,
  TicketUpdatedEvent,
} from './events/ticket.events.js';
export { Project } from './domain/project.entity.js';
export { UpdateTicketCommand } from './commands/update-ticket/update-ticket.command.js';
export { AssignTicketCommand } from './commands/assign-ticket/assign-ticket.command.js';
export { DeleteTicketCommand } from './commands/delete-ticket/delete-ticket.command.js';
export { AddCommentCommand } from './commands/add-comment/add-comment.command.js';
export { EditCommentCommand } from './commands/edit-comment/edit-comment.command.js';
export { TicketCommentedEvent, CommentEditedEvent } from './events/comment.events.js';
export { CreateProjectCommand } from './commands/create-project/create-project.command.js';
export { AddTicketToProjectCommand } from './commands/add-ticket-to-project/add-ticket-to-project.command.js';
export { ProjectCreatedEvent, ProjectUpdatedEvent, ProjectTicketAddedEvent } from './events/project.events.js';
export { CreateWebhookCommand } from './commands/create-webhook/create-webhook.command.js';
export { WebhookDispatcher, type DeliveryOutcome } from './infrastructure/webhooks/webhook-dispatcher.js';
export { Webhook, WEBHOOK_EVENTS } from './domain/webhook.entity.js';
export { WebhookDelivery } from './domain/webhook-delivery.entity.js';
export { TicketAttachment } from './domain/attachment.entity.js';
export { CreateExternalTicketCommand } from './commands/create-external-ticket/create-external-ticket.command.js';
export {
  ImportSeedWorkCommand,
  type ImportCounts,
  type ImportFailure,
  type SeedWorkReport,
} from './commands/import-seed-work/import-seed-work.command.js';
export { parseSeedData, type SeedData, type SeedPerson } from './import/seed-data.js';
export {
  EraseOwnerAttachmentsCommand,
  type ErasedAttachments,
} from './commands/erase-owner-attachments/erase-owner-attachments.command.js';
export * from './configuration/index.js';

export const TICKETS_ENTITIES = [
  Ticket,
  TicketTag,
  Project,
  TicketComment,
  CommentRevision,
  SavedFilter,
  Webhook,
  WebhookDelivery,
  TicketAttachment,
  DomainConfigVersion,
  DomainConfigActivation,
];
export const TICKETS_MIGRATIONS = [
  CreateTickets1764806400200,
  ExtendTickets1764806400210,
  CreateProjects1764806400220,
  CreateTicketSearch1764806400230,
  CreateComments1764806400240,
  CreateDomainConfigVersions1764806400250,
  CreateSavedFilters1764806400260,
  CreateWebhooks1764806400270,
  CreateAttachments1764806400280,
  NormalizeTicketTimestamps1764806400290,
];
