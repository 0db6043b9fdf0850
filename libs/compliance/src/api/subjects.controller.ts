import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Principal, uuidParam } from '#kernel';
import { EraseSubjectCommand } from '../commands/erase-subject/erase-subject.command.js';
import { ExportSubjectCommand } from '../commands/export-subject/export-subject.command.js';
import { ComplianceException } from '../domain/compliance.exception.js';
import type { ErasureReceipt } from '../domain/erasure-receipt.js';
import { EraseSubjectDto } from './erase-subject.dto.js';

/** An unparseable id is reported exactly like a missing user. */
const userId = uuidParam(() => ComplianceException.subjectNotFound());

@Controller('compliance/subjects')
export class SubjectsController {
  private readonly logger = new Logger(SubjectsController.name);

  constructor(private readonly commands: CommandBus) {}

  /**
   * Streams every record about the user as one JSON document. Errors found before the first
   * byte, such as an unknown user, are problem+json responses. A failure later aborts the
   * connection, so a client never mistakes a truncated export for a complete one.
   */
  @Get(':userId/export')
  @RequirePermission('compliance.export')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', userId) subjectId: string,
    @Res() response: Response,
  ): Promise<void> {
    const prepared = await this.commands.execute(
      new ExportSubjectCommand(principal.tenantId, principal.actor, subjectId),
    );
    response.status(200);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${prepared.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    try {
      await prepared.writeTo(response);
    } catch (error) {
      this.logger.error({
        message: 'Data-subject export failed while streaming',
        tenantId: principal.tenantId,
        subjectId,
        error: error instanceof Error ? error.message : String(error),
      });
      response.destroy();
    }
  }

  @Post(':userId/erasure')
  @HttpCode(200)
  @RequirePermission('compliance.erase')
  erase(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', userId) subjectId: string,
    @Body() body: EraseSubjectDto,
  ): Promise<ErasureReceipt> {
    return this.commands.execute(
      new EraseSubjectCommand(
        principal.tenantId,
        principal.actor,
        subjectId,
        body.identifiers ?? [],
      ),
    );
  }
}
