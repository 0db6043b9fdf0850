import { GENESIS_HASH, hashEntry, type SealedEntry } from './audit-chain.js';

/** Builds a sealed chain of `count` entries for unit specs; `overrides` shape each entry. */
export function sealedChain(
  count: number,
  overrides: (index: number) => Partial<SealedEntry> = () => ({}),
  start: { previousHash: string; sequence: number } = { previousHash: GENESIS_HASH, sequence: 1 },
): SealedEntry[] {
  const entries: SealedEntry[] = [];
  let previousHash = start.previousHash;
  for (let index = 0; index < count; index += 1) {
    const entry: SealedEntry = {
      tenantId: 'tenant-a',
      id: `entry-${start.sequence + index}`,
      sequence: start.sequence + index,
      actorType: 'user',
      actorId: 'actor-1',
      action: 'ticket.updated',
      entityType: 'ticket',
      entityId: 'ticket-1',
      parentEntityType: null,
      parentEntityId: null,
      oldValues: { title: 'Old title' },
      newValues: { title: 'New title' },
      subjectIds: ['subject-1'],
      personalFields: ['title'],
      ip: '127.0.0.1',
      userAgent: 'jest',
      correlationId: `correlation-${index}`,
      configVersion: 'v1',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
      previousHash,
      hash: '',
      ...overrides(index),
    };
    entry.previousHash = previousHash;
    entry.hash = hashEntry(entry);
    previousHash = entry.hash;
    entries.push(entry);
  }
  return entries;
}
