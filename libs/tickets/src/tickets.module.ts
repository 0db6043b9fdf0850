import { Module } from '@nestjs/common';
import { TenancyModule } from '#tenancy';
import { DomainsController } from './api/domains.controller.js';
import { TicketsController } from './api/tickets.controller.js';
import { CommentsController } from './api/comments.controller.js';
import { ProjectsController } from './api/projects.controller.js';
import { SavedFiltersController } from './api/saved-filters.controller.js';
import { WebhooksController } from './api/webhooks.controller.js';
import { AttachmentsController } from './api/attachments.controller.js';
import { IntakeController } from './api/intake.controller.js';
import { CreateExternalTicketHandler } from './commands/create-external-ticket/create-external-ticket.handler.js';
import { ImportSeedWorkHandler } from './commands/import-seed-work/import-seed-work.handler.js';
import { AttachmentUploadInterceptor } from './api/attachment-upload.interceptor.js';
import { EraseOwnerAttachmentsHandler } from './commands/erase-owner-attachments/erase-owner-attachments.handler.js';
import { UploadAttachmentHandler } from './commands/upload-attachment/upload-attachment.handler.js';
import { AttachmentFiles } from './infrastructure/attachments/attachment-files.js';
import { GetAttachmentHandler } from './queries/get-attachment/get-attachment.handler.js';
import { ListAttachmentsHandler } from './queries/list-attachments/list-attachments.handler.js';
import { CreateWebhookHandler } from './commands/create-webhook/create-webhook.handler.js';
import { DeleteWebhookHandler } from './commands/delete-webhook/delete-webhook.handler.js';
import { WebhookDispatcher } from './infrastructure/webhooks/webhook-dispatcher.js';
import { WebhookOutbox } from './infrastructure/webhooks/webhook-outbox.js';
import { WebhookWakeHandler } from './infrastructure/webhooks/webhook-wake.handler.js';
import { ListWebhookDeliveriesHandler } from './queries/list-webhook-deliveries/list-webhook-deliveries.handler.js';
import { ListWebhooksHandler } from './queries/list-webhooks/list-webhooks.handler.js';
import { CreateSavedFilterHandler } from './commands/create-saved-filter/create-saved-filter.handler.js';
import { DeleteSavedFilterHandler } from './commands/delete-saved-filter/delete-saved-filter.handler.js';
import { UpdateSavedFilterHandler } from './commands/update-saved-filter/update-saved-filter.handler.js';
import { GetSavedFilterHandler } from './queries/get-saved-filter/get-saved-filter.handler.js';
import { ListSavedFiltersHandler } from './queries/list-saved-filters/list-saved-filters.handler.js';
import { AddTicketToProjectHandler } from './commands/add-ticket-to-project/add-ticket-to-project.handler.js';
import { CreateProjectHandler } from './commands/create-project/create-project.handler.js';
import { UpdateProjectHandler } from './commands/update-project/update-project.handler.js';
import { GetProjectHandler } from './queries/get-project/get-project.handler.js';
import { ListProjectsHandler } from './queries/list-projects/list-projects.handler.js';
import { AddCommentHandler } from './commands/add-comment/add-comment.handler.js';
import { EditCommentHandler } from './commands/edit-comment/edit-comment.handler.js';
import { ListCommentRevisionsHandler } from './queries/list-comment-revisions/list-comment-revisions.handler.js';
import { ListCommentsHandler } from './queries/list-comments/list-comments.handler.js';
import { AssignTicketHandler } from './commands/assign-ticket/assign-ticket.handler.js';
import { CreateTicketHandler } from './commands/create-ticket/create-ticket.handler.js';
import { DeleteTicketHandler } from './commands/delete-ticket/delete-ticket.handler.js';
import { UpdateTicketHandler } from './commands/update-ticket/update-ticket.handler.js';
import { SearchKeyProvider } from './infrastructure/search/search-key-provider.js';
import { TicketSearchIndex } from './infrastructure/search/ticket-search-index.js';
import { TicketsPersonalDataParticipant } from './infrastructure/personal-data.participant.js';
import { TransitionTicketHandler } from './commands/transition-ticket/transition-ticket.handler.js';
import { ConfigVersionStore } from './infrastructure/configuration/config-version-store.js';
import { RecordTenantConfigurationHandler } from './infrastructure/configuration/record-tenant-configuration.handler.js';
import { DomainCatalog } from './infrastructure/domain-catalog.js';
import { GetDomainRolesHandler } from './queries/get-domain-roles/get-domain-roles.handler.js';
import { GetTicketHandler } from './queries/get-ticket/get-ticket.handler.js';
import { ListTicketsHandler } from './queries/list-tickets/list-tickets.handler.js';

@Module({
  imports: [TenancyModule],
  controllers: [
    IntakeController,
    TicketsController,
    CommentsController,
    ProjectsController,
    SavedFiltersController,
    WebhooksController,
    AttachmentsController,
    DomainsController,
  ],
  providers: [
    DomainCatalog,
    ConfigVersionStore,
    RecordTenantConfigurationHandler,
    SearchKeyProvider,
    TicketSearchIndex,
    TicketsPersonalDataParticipant,
    CreateTicketHandler,
    UpdateTicketHandler,
    AssignTicketHandler,
    DeleteTicketHandler,
    AddCommentHandler,
    EditCommentHandler,
    ListCommentsHandler,
    ListCommentRevisionsHandler,
    CreateProjectHandler,
    UpdateProjectHandler,
    AddTicketToProjectHandler,
    ListProjectsHandler,
    GetProjectHandler,
    CreateSavedFilterHandler,
    UpdateSavedFilterHandler,
    DeleteSavedFilterHandler,
    ListSavedFiltersHandler,
    GetSavedFilterHandler,
    CreateWebhookHandler,
    DeleteWebhookHandler,
    ListWebhooksHandler,
    ListWebhookDeliveriesHandler,
    WebhookOutbox,
    WebhookDispatcher,
    WebhookWakeHandler,
    AttachmentFiles,
    AttachmentUploadInterceptor,
    UploadAttachmentHandler,
    EraseOwnerAttachmentsHandler,
    ListAttachmentsHandler,
    GetAttachmentHandler,
    CreateExternalTicketHandler,
    ImportSeedWorkHandler,
    TransitionTicketHandler,
    GetTicketHandler,
    ListTicketsHandler,
    GetDomainRolesHandler,
  ],
  exports: [DomainCatalog],
})
export class TicketsModule {}
