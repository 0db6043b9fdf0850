import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Page, type Principal, uuidParam } from '#kernel';
import { CreateApiKeyCommand, type CreatedApiKey } from '../commands/create-api-key/create-api-key.command.js';
import { RevokeApiKeyCommand } from '../commands/revoke-api-key/revoke-api-key.command.js';
import type { ApiKeyView } from '../domain/api-key.view.js';
import { IdentityException } from '../domain/identity.exception.js';
import { ListApiKeysQuery } from '../queries/list-api-keys/list-api-keys.query.js';
import { CreateApiKeyDto, ListApiKeysDto } from './api-keys.dto.js';

const keyId = uuidParam(() => IdentityException.apiKeyNotFound());

/** API keys for machine clients, managed by the tenant's Admins. */
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('api_keys.manage')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedApiKey> {
    const input = {
      name: body.name,
      permissions: body.permissions,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    };
    const created = await this.commands.execute(
      new CreateApiKeyCommand(principal.tenantId, principal.actor, principal.permissions, input),
    );
    response.location(`/api/v1/api-keys/${created.id}`).setHeader('Cache-Control', 'no-store');
    return created;
  }

  @Get()
  @RequirePermission('api_keys.manage')
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListApiKeysDto): Promise<Page<ApiKeyView>> {
    return this.queries.execute(new ListApiKeysQuery(principal.tenantId, query.limit, query.cursor));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('api_keys.manage')
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', keyId) id: string): Promise<void> {
    await this.commands.execute(new RevokeApiKeyCommand(principal.tenantId, principal.actor, id));
  }
}
