import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { MasalaException } from '#kernel';
import type { Ticket } from '../../domain/ticket.entity.js';

export type TicketSortField = 'created' | 'updated' | 'due' | 'priority';
export type SortDirection = 'asc' | 'desc';

export interface TicketSort {
  field: TicketSortField;
  direction: SortDirection;
}

const COLUMN: Record<TicketSortField, keyof Ticket> = {
  created: 'createdAt',
  updated: 'updatedAt',
  due: 'dueAt',
  priority: 'priorityRank',
};

/**
 * Reads `sort=-created` (descending) or `sort=created&order=desc`. A field without `-` sorts
 * ascending unless `order=desc` is given. Without `sort` the newest tickets come first.
 */
export function parseTicketSort(sort: string | undefined, order: SortDirection | undefined): TicketSort {
  if (sort === undefined) return { field: 'created', direction: order ?? 'desc' };
  if (sort.startsWith('-')) return { field: sort.slice(1) as TicketSortField, direction: 'desc' };
  return { field: sort as TicketSortField, direction: order ?? 'asc' };
}

interface TicketCursor {
  sort: TicketSort;
  value: string | number | null;
  id: string;
}

/** Encodes the position after `ticket`: the sort, the sort key of the row and its id. */
export function encodeTicketCursor(sort: TicketSort, ticket: Ticket): string {
  const key = ticket[COLUMN[sort.field]] as Date | number | null;
  const value = key instanceof Date ? key.toISOString() : key;
  return Buffer.from(JSON.stringify([sort.field, sort.direction, value, ticket.id])).toString('base64url');
}

function invalidCursor(message: string): MasalaException {
  return MasalaException.validation([{ field: 'cursor', rule: 'cursor', message }]);
}

/** Decodes a cursor and checks that it was made for the same sort as this request. */
export function decodeTicketCursor(raw: string | undefined, sort: TicketSort): TicketCursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('cursor is invalid; pass the nextCursor of a previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || typeof parsed[3] !== 'string') {
    throw invalidCursor('cursor is invalid; pass the nextCursor of a previous page');
  }
  const [field, direction, value, id] = parsed as [unknown, unknown, unknown, string];
  if (field !== sort.field || direction !== sort.direction) {
    throw invalidCursor(`cursor was made for sort=${String(field)} ${String(direction)}; repeat that sort or start without a cursor`);
  }
  const numeric = sort.field === 'priority';
  const valid =
    (numeric && typeof value === 'number' && Number.isInteger(value)) ||
    (!numeric && typeof value === 'string' && !Number.isNaN(Date.parse(value))) ||
    (sort.field === 'due' && value === null);
  if (!valid) throw invalidCursor('cursor is invalid; pass the nextCursor of a previous page');
  return { sort, value: value as string | number | null, id };
}

/**
 * Orders the query by the sort key and then the id, and continues after the cursor. `due` puts
 * tickets without a due date last in both directions, so the keyset moves from dated rows to
 * undated ones and never back.
 *
 * The cursor carries the row's time as a `Date`, in milliseconds, and the next page compares
 * stored times with it for equality. Every stored ticket time is therefore written in
 * milliseconds (TimestampSubscriber, and the NormalizeTicketTimestamps migration for older rows).
 * A stored time with more or less precision makes the page after it repeat or skip tickets.
 */
export function applyTicketSort(query: SelectQueryBuilder<Ticket>, sort: TicketSort, cursor: TicketCursor | undefined): void {
  const column = `ticket.${COLUMN[sort.field]}`;
  const direction = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const after = sort.direction === 'asc' ? '>' : '<';

  if (sort.field === 'due') {
    query.orderBy(`CASE WHEN ticket.dueAt IS NULL THEN 1 ELSE 0 END`, 'ASC');
    query.addOrderBy(column, direction);
  } else {
    query.orderBy(column, direction);
  }
  query.addOrderBy('ticket.id', direction);
  if (!cursor) return;

  if (cursor.value === null) {
    query.andWhere(`ticket.dueAt IS NULL AND ticket.id ${after} :cursorId`, { cursorId: cursor.id });
    return;
  }
  const cursorValue = typeof cursor.value === 'number' ? cursor.value : new Date(cursor.value);
  query.andWhere(
    new Brackets((keyset) => {
      keyset
        .where(`${column} ${after} :cursorValue`, { cursorValue })
        .orWhere(`(${column} = :cursorValue AND ticket.id ${after} :cursorId)`, { cursorId: cursor.id });
      if (sort.field === 'due') keyset.orWhere('ticket.dueAt IS NULL');
    }),
  );
}
