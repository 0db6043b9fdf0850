import { Controller, Get, Param, Post, Req, Res, StreamableFile, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { AcceptsBody, CurrentPrincipal, MasalaException, RequirePermission, type Principal, uuidParam } from '#kernel';
import { UploadAttachmentCommand } from '../commands/upload-attachment/upload-attachment.command.js';
import type { AttachmentView } from '../domain/attachment.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { GetAttachmentQuery } from '../queries/get-attachment/get-attachment.query.js';
import { ListAttachmentsQuery } from '../queries/list-attachments/list-attachments.query.js';
import { AttachmentUploadInterceptor } from './attachment-upload.interceptor.js';
import { ticketIdPipe } from './tickets.controller.js';

const attachmentIdPipe = uuidParam(() => TicketsException.attachmentNotFound());

/** `attachment; filename="..."` with an ASCII fallback and the exact name in RFC 5987 form. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function parseInternal(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw MasalaException.validation([{ field: 'internal', rule: 'boolean', message: 'internal must be true or false' }]);
}

/**
 * Ticket attachments. Downloads go through this controller only, never a static file route,
 * so every read checks that the caller may see the ticket (and internal attachments).
 */
@Controller(['tickets/:ticketId/attachments', 'work-items/:ticketId/attachments'])
export class AttachmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('attachments.create')
  @AcceptsBody('multipart/form-data')
  @UseInterceptors(AttachmentUploadInterceptor)
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AttachmentView> {
    const file = request.file!;
    const internal = parseInternal((request.body as Record<string, unknown>).internal);
    const command = new UploadAttachmentCommand(principal, ticketId, { content: file.buffer, originalName: file.originalname }, internal);
    const attachment = await this.commands.execute(command);
    response.location(`/api/v1/tickets/${ticketId}/attachments/${attachment.id}`);
    return attachment;
  }

  @Get()
  @RequirePermission('tickets.read')
  list(@CurrentPrincipal() principal: Principal, @Param('ticketId', ticketIdPipe) ticketId: string): Promise<{ data: AttachmentView[] }> {
    return this.queries.execute(new ListAttachmentsQuery(principal, ticketId));
  }

  @Get(':attachmentId')
  @RequirePermission('tickets.read')
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId', ticketIdPipe) ticketId: string,
    @Param('attachmentId', attachmentIdPipe) attachmentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { attachment, content } = await this.queries.execute(new GetAttachmentQuery(principal, ticketId, attachmentId));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    response.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(content, {
      type: attachment.contentType,
      disposition: contentDisposition(attachment.fileName),
      length: content.length,
    });
  }
}
