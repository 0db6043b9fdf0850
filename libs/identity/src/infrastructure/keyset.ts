import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { MasalaException, decodeCursor, encodeCursor, type Page } from '#kernel';

/** Orders newest first on (created_at, id) and continues after `rawCursor`; fetches one extra row. */
export function newestFirst<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  limit: number,
  rawCursor: string | undefined,
): SelectQueryBuilder<T> {
  const cursor = decodeCursor(rawCursor);
  if (cursor) {
    const after = new Date(String(cursor.sort));
    if (Number.isNaN(after.getTime())) {
      throw MasalaException.validation([
        { field: 'cursor', rule: 'cursor', message: 'cursor is invalid; pass the nextCursor of a previous page' },
      ]);
    }
    query.andWhere(
      new Brackets((keyset) =>
        keyset
          .where(`${alias}.createdAt < :after`, { after })
          .orWhere(`(${alias}.createdAt = :after AND ${alias}.id < :afterId)`, { afterId: cursor.id }),
      ),
    );
  }
  return query.orderBy(`${alias}.createdAt`, 'DESC').addOrderBy(`${alias}.id`, 'DESC').limit(limit + 1);
}

/** Cuts the extra row fetched by `newestFirst` and turns it into the next cursor. */
export function toPage<Row extends { createdAt: Date; id: string }, View>(
  rows: Row[],
  limit: number,
  view: (row: Row) => View,
): Page<View> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ sort: last.createdAt.toISOString(), id: last.id }) : null;
  return { data: page.map(view), nextCursor };
}
