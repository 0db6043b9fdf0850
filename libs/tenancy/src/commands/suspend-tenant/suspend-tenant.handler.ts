import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException } from '#kernel';
import { TenantSuspendedEvent } from '../../events/tenant-suspended.event.js';
import { TenantRecords, type TenantChangeResult } from '../../infrastructure/tenant-records.js';
import { SuspendTenantCommand } from './suspend-tenant.command.js';

const MAX_REASON_LENGTH = 500;

@CommandHandler(SuspendTenantCommand)
export class SuspendTenantHandler implements ICommandHandler<SuspendTenantCommand> {
  private readonly logger = new Logger(SuspendTenantHandler.name);

  constructor(private readonly records: TenantRecords) {}

  async execute({ slug, actor, reason }: SuspendTenantCommand): Promise<TenantChangeResult> {
    const trimmed = reason?.trim() || undefined;
    if (trimmed && trimmed.length > MAX_REASON_LENGTH) {
      throw MasalaException.validation([
        { field: 'reason', rule: 'length', message: `reason must be at most ${MAX_REASON_LENGTH} characters` },
      ]);
    }

    const result = await this.records.change(slug, (tenant) => {
      if (tenant.status === 'suspended') return null;
      tenant.status = 'suspended';
      return new TenantSuspendedEvent(tenant, actor, trimmed);
    });
    if (result.changed) this.logger.log({ message: 'Tenant suspended', tenantId: result.tenant.id });
    return result;
  }
}
