import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Page, type Principal, uuidParam } from '#kernel';
import { CreateWebhookCommand } from '../commands/create-webhook/create-webhook.command.js';
import { DeleteWebhookCommand } from '../commands/delete-webhook/delete-webhook.command.js';
import { TicketsException } from '../domain/tickets.exception.js';
import type { CreatedWebhookView, WebhookDeliveryView, WebhookView } from '../domain/webhook.view.js';
import { ListWebhookDeliveriesQuery } from '../queries/list-webhook-deliveries/list-webhook-deliveries.query.js';
import { ListWebhooksQuery } from '../queries/list-webhooks/list-webhooks.query.js';
import { CreateWebhookDto, ListDeliveriesDto } from './webhook.dto.js';

const webhookIdPipe = uuidParam(() => TicketsException.webhookNotFound());

/** Per-tenant webhooks, managed by Admins (`webhooks.manage`). */
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Returns the signing secret once; store it, because it is never shown again. */
  @Post()
  @RequirePermission('webhooks.manage')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateWebhookDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedWebhookView> {
    const webhook = await this.commands.execute(new CreateWebhookCommand(principal.tenantId, principal.actor, body));
    response.location(`/api/v1/webhooks/${webhook.id}`).setHeader('Cache-Control', 'no-store');
    return webhook;
  }

  @Get()
  @RequirePermission('webhooks.manage')
  list(@CurrentPrincipal() principal: Principal): Promise<{ data: WebhookView[] }> {
    return this.queries.execute(new ListWebhooksQuery(principal.tenantId));
  }

  @Get(':id/deliveries')
  @RequirePermission('webhooks.manage')
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', webhookIdPipe) id: string,
    @Query() query: ListDeliveriesDto,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.queries.execute(new ListWebhookDeliveriesQuery(principal.tenantId, id, query.limit, query.cursor));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('webhooks.manage')
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', webhookIdPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(principal.tenantId, principal.actor, id));
  }
}
