import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Page, type Principal, parseIfMatch, uuidParam } from '#kernel';
import { AddCommentCommand } from '../commands/add-comment/add-comment.command.js';
import { EditCommentCommand } from '../commands/edit-comment/edit-comment.command.js';
import type { CommentRevisionView, CommentView } from '../domain/comment.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { ListCommentRevisionsQuery } from '../queries/list-comment-revisions/list-comment-revisions.query.js';
import { ListCommentsQuery } from '../queries/list-comments/list-comments.query.js';
import { AddCommentDto, EditCommentDto, ListCommentsDto } from './comment.dto.js';
import { ticketIdPipe } from './tickets.controller.js';

const commentIdPipe = uuidParam(() => TicketsException.commentNotFound());

const withETag = (response: Response, comment: CommentView): CommentView => {
  response.setHeader('ETag', `"${comment.version}"`);
  return comment;
};

@Controller(['tickets/:ticketId/comments', 'work-items/:ticketId/comments'])
export class CommentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('comments.create')
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Body() body: AddCommentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommentView> {
    const comment = await this.commands.execute(new AddCommentCommand(principal, ticketId, body));
    response.location(`/api/v1/tickets/${ticketId}/comments/${comment.id}`);
    return withETag(response, comment);
  }

  @Get()
  @RequirePermission('tickets.read')
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Query() query: ListCommentsDto,
  ): Promise<Page<CommentView>> {
    return this.queries.execute(new ListCommentsQuery(principal, ticketId, query.limit, query.cursor));
  }

  @Patch(':commentId')
  @RequirePermission('comments.create')
  async edit(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Param('commentId', commentIdPipe) commentId: string,
    @Body() body: EditCommentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommentView> {
    const command = new EditCommentCommand(principal, ticketId, commentId, body.body, parseIfMatch(ifMatch));
    return withETag(response, await this.commands.execute(command));
  }

  @Get(':commentId/revisions')
  @RequirePermission('tickets.read')
  revisions(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Param('commentId', commentIdPipe) commentId: string,
  ): Promise<{ data: CommentRevisionView[] }> {
    return this.queries.execute(new ListCommentRevisionsQuery(principal, ticketId, commentId));
  }
}
