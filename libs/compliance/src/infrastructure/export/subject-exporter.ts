import { Injectable, Logger } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { PersonalDataRegistry, TenantDatabase, type DataSubject } from '#kernel';
import type { Tenant } from '#tenancy';
import { JsonStreamWriter } from './json-stream-writer.js';

/** Version of the export document layout; a change that breaks readers raises the major part. */
export const EXPORT_SCHEMA_VERSION = '1.0';

/** Records written per context and section, for logs and the CLI. */
export interface ExportSummary {
  sections: Record<string, number>;
  bytes: number;
}

/**
 * Writes a data-subject export as one JSON document:
 *
 * ```
 * { "schemaVersion", "generatedAt", "tenant": { id, slug, name }, "jurisdiction",
 *   "subject": { "id" }, "data": { "<context>": { "<section>": [ records... ] } } }
 * ```
 *
 * Records are read in batches by each context's participant and written one by one with
 * backpressure, so memory use does not grow with the size of the export.
 */
@Injectable()
export class SubjectExporter {
  private readonly logger = new Logger(SubjectExporter.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
  ) {}

  async write(tenant: Tenant, subject: DataSubject, sink: Writable): Promise<ExportSummary> {
    const writer = new JsonStreamWriter(sink);
    const sections: Record<string, number> = {};
    const header = {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      generatedAt: new Date().toISOString(),
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      jurisdiction: tenant.jurisdiction,
      subject: { id: subject.id },
    };
    try {
      await writer.write(`${JSON.stringify(header).slice(0, -1)},"data":{`);
      await this.database.read(tenant.id, async (manager) => {
        let firstContext = true;
        for (const participant of this.registry.participants()) {
          await writer.write(`${firstContext ? '' : ','}${JSON.stringify(participant.context)}:{`);
          firstContext = false;
          let firstSection = true;
          for await (const section of participant.export(manager, tenant.id, subject.id)) {
            await writer.write(`${firstSection ? '' : ','}${JSON.stringify(section.name)}:[`);
            firstSection = false;
            let count = 0;
            for await (const record of section.records) {
              await writer.write(`${count === 0 ? '' : ','}${JSON.stringify(record)}`);
              count += 1;
            }
            await writer.write(']');
            sections[`${participant.context}.${section.name}`] = count;
          }
          await writer.write('}');
        }
      });
      await writer.write('}}\n');
      await writer.end();
    } finally {
      writer.detach();
    }
    this.logger.log({
      message: 'Wrote a data-subject export',
      tenantId: tenant.id,
      subjectId: subject.id,
      sections,
    });
    return { sections, bytes: writer.bytes };
  }
}
