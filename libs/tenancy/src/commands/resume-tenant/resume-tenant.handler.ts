import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantResumedEvent } from '../../events/tenant-resumed.event.js';
import { TenantRecords, type TenantChangeResult } from '../../infrastructure/tenant-records.js';
import { ResumeTenantCommand } from './resume-tenant.command.js';

@CommandHandler(ResumeTenantCommand)
export class ResumeTenantHandler implements ICommandHandler<ResumeTenantCommand> {
  private readonly logger = new Logger(ResumeTenantHandler.name);

  constructor(private readonly records: TenantRecords) {}

  async execute({ slug, actor }: ResumeTenantCommand): Promise<TenantChangeResult> {
    const result = await this.records.change(slug, (tenant) => {
      if (tenant.status === 'active') return null;
      tenant.status = 'active';
      return new TenantResumedEvent(tenant, actor);
    });
    if (result.changed) this.logger.log({ message: 'Tenant resumed', tenantId: result.tenant.id });
    return result;
  }
}
