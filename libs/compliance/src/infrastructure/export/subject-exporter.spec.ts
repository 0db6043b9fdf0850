import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataRegistry,
  type DataSubject,
  type ExportSection,
  type PersonalDataParticipant,
  type TenantDatabase,
} from '#kernel';
import type { Tenant } from '#tenancy';
import { SubjectExporter } from './subject-exporter.js';

const HIGH_WATER_MARK = 4096;
const RECORDS = 5000;

const tenant = { id: 'tenant-1', slug: 'acme', name: 'Acme', jurisdiction: 'BE' } as Tenant;
const subject: DataSubject = {
  id: 'user-1',
  email: 'a@b.test',
  displayName: 'A',
  aliases: [],
  status: 'active',
};

/** A sink that accepts one chunk per event-loop turn, like a slow client. */
class SlowSink extends Writable {
  readonly chunks: string[] = [];

  constructor() {
    super({ highWaterMark: HIGH_WATER_MARK, decodeStrings: false });
  }

  override _write(
    chunk: string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.chunks.push(chunk);
    setImmediate(done);
  }
}

function participant(
  context: string,
  records: () => AsyncIterable<unknown>,
): PersonalDataParticipant {
  return {
    context,
    async *export(): AsyncIterable<ExportSection> {
      yield { name: 'items', records: records() };
    },
    erase: () => Promise.resolve({}),
  };
}

function exporterWith(...participants: PersonalDataParticipant[]): SubjectExporter {
  const registry = new PersonalDataRegistry();
  for (const item of participants) registry.register(item);
  const database = {
    read: (_tenantId: string, work: (manager: EntityManager) => Promise<unknown>) =>
      work({} as EntityManager),
  };
  return new SubjectExporter(database as unknown as TenantDatabase, registry);
}

describe('SubjectExporter', () => {
  it('keeps the buffered output bounded by backpressure', async () => {
    const sink = new SlowSink();
    let maxBuffered = 0;
    let largestRecord = 0;
    async function* records(): AsyncIterable<unknown> {
      for (let index = 0; index < RECORDS; index += 1) {
        maxBuffered = Math.max(maxBuffered, sink.writableLength);
        const record = { index, text: 'x'.repeat(100) };
        largestRecord = Math.max(largestRecord, JSON.stringify(record).length + 1);
        yield record;
      }
    }

    const summary = await exporterWith(participant('tickets', records)).write(
      tenant,
      subject,
      sink,
    );

    expect(summary.sections).toEqual({ 'tickets.items': RECORDS });
    expect(summary.bytes).toBeGreaterThan(RECORDS * 100);
    expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + largestRecord);
  });

  it('writes one valid JSON document with every context', async () => {
    const sink = new SlowSink();
    async function* two(): AsyncIterable<unknown> {
      yield { id: 1 };
      yield { id: 2 };
    }
    async function* none(): AsyncIterable<unknown> {}
    await exporterWith(participant('first', two), participant('second', none)).write(
      tenant,
      subject,
      sink,
    );

    const document = JSON.parse(sink.chunks.join('')) as Record<string, unknown>;
    expect(document).toEqual({
      schemaVersion: '1.0',
      generatedAt: expect.any(String),
      tenant: { id: 'tenant-1', slug: 'acme', name: 'Acme' },
      jurisdiction: 'BE',
      subject: { id: 'user-1' },
      data: { first: { items: [{ id: 1 }, { id: 2 }] }, second: { items: [] } },
    });
  });

  it('stops with an error when the destination closes early', async () => {
    const sink = new SlowSink();
    async function* endless(): AsyncIterable<unknown> {
      for (let index = 0; ; index += 1) {
        if (index === 100) sink.destroy();
        yield { index, text: 'y'.repeat(200) };
      }
    }
    await expect(
      exporterWith(participant('tickets', endless)).write(tenant, subject, sink),
    ).rejects.toThrow(/closed before the document was complete/);
  });
});
