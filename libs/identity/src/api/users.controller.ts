import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  CurrentPrincipal,
  assertSetsAField,
  RequirePermission,
  type Page,
  type Principal,
  parseIfMatch,
  uuidParam,
} from '#kernel';
import { CreateUserCommand } from '../commands/create-user/create-user.command.js';
import { InviteUserCommand } from '../commands/invite-user/invite-user.command.js';
import { ResendInvitationCommand } from '../commands/resend-invitation/resend-invitation.command.js';
import { UpdateUserCommand } from '../commands/update-user/update-user.command.js';
import { IdentityException } from '../domain/identity.exception.js';
import type { User } from '../domain/user.entity.js';
import { toUserView, type UserView } from '../domain/user.view.js';
import { GetUserQuery } from '../queries/get-user/get-user.query.js';
import { ListUsersQuery } from '../queries/list-users/list-users.query.js';
import { CreateUserDto, ListUsersDto, UpdateUserDto } from './users.dto.js';

/** An unparseable id is reported exactly like a missing user. */
const userId = uuidParam(() => IdentityException.userNotFound());

function setCreatedHeaders(response: Response, user: User): void {
  response.location(`/api/v1/users/${user.id}`).setHeader('ETag', `"${user.version}"`);
}

/** Account administration for the tenant's Admins. */
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermission('users.manage')
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUsersDto): Promise<Page<UserView>> {
    const { limit, cursor, ...filters } = query;
    return this.queries.execute(new ListUsersQuery(principal.tenantId, filters, limit, cursor));
  }

  @Get(':id')
  @RequirePermission('users.manage')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', userId) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView> {
    const user = await this.queries.execute(new GetUserQuery(principal.tenantId, id));
    response.setHeader('ETag', `"${user.version}"`);
    return toUserView(user);
  }

  /** Creates an active account when `password` is given, else invites the user by e-mail. */
  @Post()
  @RequirePermission('users.manage')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView & { invitationSent?: boolean }> {
    const { tenantId, actor } = principal;
    const input = { email: body.email, displayName: body.displayName, roles: body.roles };
    if (body.password === undefined) {
      const invited = await this.commands.execute(new InviteUserCommand(tenantId, actor, input));
      setCreatedHeaders(response, invited.user);
      return { ...toUserView(invited.user), invitationSent: invited.invitationSent };
    }
    const created = await this.commands.execute(
      new CreateUserCommand(tenantId, actor, { ...input, password: body.password }),
    );
    setCreatedHeaders(response, created.user);
    return toUserView(created.user);
  }

  @Patch(':id')
  @RequirePermission('users.manage')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', userId) id: string,
    @Body() body: UpdateUserDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView> {
    assertSetsAField(body, 'set at least one of displayName, roles, status, locked');
    const expected = parseIfMatch(ifMatch);
    const user = await this.commands.execute(new UpdateUserCommand(principal.tenantId, principal.actor, id, body, expected));
    response.setHeader('ETag', `"${user.version}"`);
    return toUserView(user);
  }

  @Post(':id/invitation')
  @HttpCode(200)
  @RequirePermission('users.manage')
  async resendInvitation(
    @CurrentPrincipal() principal: Principal,
    @Param('id', userId) id: string,
  ): Promise<UserView & { invitationSent: boolean }> {
    const result = await this.commands.execute(new ResendInvitationCommand(principal.tenantId, principal.actor, id));
    return { ...toUserView(result.user), invitationSent: result.invitationSent };
  }
}
