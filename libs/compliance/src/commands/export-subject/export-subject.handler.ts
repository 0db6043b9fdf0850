import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalDataRegistry, TenantDatabase } from '#kernel';
import { TenantRegistry } from '#tenancy';
import { ComplianceException } from '../../domain/compliance.exception.js';
import { SubjectExportedEvent } from '../../events/compliance.events.js';
import {
  EXPORT_SCHEMA_VERSION,
  SubjectExporter,
} from '../../infrastructure/export/subject-exporter.js';
import { ExportSubjectCommand, type PreparedExport } from './export-subject.command.js';

/**
 * Looks the subject up and records `subject.exported` before any data leaves, so an export
 * that is interrupted half-way is still on record.
 */
@CommandHandler(ExportSubjectCommand)
export class ExportSubjectHandler implements ICommandHandler<ExportSubjectCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
    private readonly tenants: TenantRegistry,
    private readonly exporter: SubjectExporter,
  ) {}

  async execute({ tenantId, actor, subjectId }: ExportSubjectCommand): Promise<PreparedExport> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw ComplianceException.subjectNotFound();
    const subject = await this.database.read(tenantId, (manager) =>
      this.registry.directory().describe(manager, tenantId, subjectId),
    );
    if (!subject) throw ComplianceException.subjectNotFound();

    await this.database.write(tenantId, (unitOfWork) =>
      unitOfWork.emit(
        new SubjectExportedEvent(tenantId, actor, subjectId, {
          schemaVersion: EXPORT_SCHEMA_VERSION,
          contexts: this.registry.participants().map((participant) => participant.context),
        }),
      ),
    );
    return {
      subjectId,
      fileName: `subject-${subjectId}.json`,
      writeTo: (sink) => this.exporter.write(tenant, subject, sink),
    };
  }
}
