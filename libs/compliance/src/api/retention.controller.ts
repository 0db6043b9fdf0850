import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsBoolean } from 'class-validator';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { RunRetentionCommand } from '../commands/run-retention/run-retention.command.js';
import type { RetentionReport } from '../domain/retention-report.js';

export class RunRetentionDto {
  @IsBoolean({ message: 'dryRun must be true (report only) or false (apply the rules)' })
  dryRun: boolean;
}

@Controller('compliance/retention')
export class RetentionController {
  constructor(private readonly commands: CommandBus) {}

  /** Applies the tenant's retention rules now, or with `dryRun` reports what they would change. */
  @Post('runs')
  @HttpCode(200)
  @RequirePermission('compliance.erase')
  run(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RunRetentionDto,
  ): Promise<RetentionReport> {
    return this.commands.execute(
      new RunRetentionCommand(principal.tenantId, principal.actor, { dryRun: body.dryRun }),
    );
  }
}
