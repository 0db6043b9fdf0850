import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Brackets } from 'typeorm';
import { TenantDatabase, decodeCursor, encodeCursor, type Page } from '#kernel';
import { TicketComment } from '../../domain/comment.entity.js';
import { toCommentView, type CommentView } from '../../domain/comment.view.js';
import { findVisibleTicket, seesInternalComments } from '../../domain/ticket-access.js';
import { ListCommentsQuery } from './list-comments.query.js';

@QueryHandler(ListCommentsQuery)
export class ListCommentsHandler implements IQueryHandler<ListCommentsQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ principal, ticketId, limit, cursor: rawCursor }: ListCommentsQuery): Promise<Page<CommentView>> {
    const tenantId = principal.tenantId;
    const cursor = decodeCursor(rawCursor);

    const rows = await this.database.read(tenantId, async (manager) => {
      await findVisibleTicket(manager, principal, ticketId);
      const query = manager
        .getRepository(TicketComment)
        .createQueryBuilder('comment')
        .where('comment.tenantId = :tenantId', { tenantId })
        .andWhere('comment.ticketId = :ticketId', { ticketId });
      if (!seesInternalComments(principal)) query.andWhere('comment.internal = :internal', { internal: false });
      if (cursor) {
        const after = new Date(String(cursor.sort));
        query.andWhere(
          new Brackets((keyset) =>
            keyset
              .where('comment.createdAt > :after', { after })
              .orWhere('(comment.createdAt = :after AND comment.id > :afterId)', { afterId: cursor.id }),
          ),
        );
      }
      return query
        .orderBy('comment.createdAt', 'ASC')
        .addOrderBy('comment.id', 'ASC')
        .limit(limit + 1)
        .getMany();
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toCommentView),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}
