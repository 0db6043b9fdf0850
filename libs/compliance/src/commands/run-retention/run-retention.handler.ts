import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException } from '#kernel';
import { TenantRegistry } from '#tenancy';
import { ComplianceException } from '../../domain/compliance.exception.js';
import type { RetentionReport } from '../../domain/retention-report.js';
import { retentionRulesOf } from '../../domain/retention-rules.js';
import { RetentionRunner } from '../../infrastructure/retention/retention-runner.js';
import { RunRetentionCommand } from './run-retention.command.js';

@CommandHandler(RunRetentionCommand)
export class RunRetentionHandler implements ICommandHandler<RunRetentionCommand> {
  constructor(
    private readonly tenants: TenantRegistry,
    private readonly runner: RetentionRunner,
  ) {}

  async execute({ tenantId, actor, options }: RunRetentionCommand): Promise<RetentionReport> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw MasalaException.notFound('Tenant');
    const { rules, problems } = retentionRulesOf(tenant.settings as Record<string, unknown>);
    if (problems.length > 0) {
      throw ComplianceException.invalid('settings.retentionRules', 'valid', problems.join('; '));
    }
    return this.runner.run(tenantId, actor, rules, options.dryRun, options.now ?? new Date());
  }
}
