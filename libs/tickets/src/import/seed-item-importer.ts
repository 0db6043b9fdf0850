import type { CommandBus } from '@nestjs/cqrs';
import type { Principal, TenantDatabase } from '#kernel';
import { AddCommentCommand } from '../commands/add-comment/add-comment.command.js';
import { CreateTicketCommand } from '../commands/create-ticket/create-ticket.command.js';
import type { SeedWorkOptions, SeedWorkReport } from '../commands/import-seed-work/import-seed-work.command.js';
import type { DomainDefinition } from '../configuration/index.js';
import { Ticket } from '../domain/ticket.entity.js';
import type { SeedComment, SeedWorkItem } from './seed-data.js';
import { customFieldsFor, daysFrom, priorityOf, seedRef, stateOf, tagsOf, titleOf, typeOf } from './seed-mapping.js';

/** Imports the work items of one import run, each with its comments. */
export class SeedItemImporter {
  private readonly occurrences = new Map<string, number>();
  private readonly now = new Date();

  constructor(
    private readonly commands: CommandBus,
    private readonly database: TenantDatabase,
    private readonly principal: Principal,
    private readonly domain: DomainDefinition,
    private readonly people: ReadonlyMap<string, string>,
    private readonly agents: ReadonlySet<string>,
    private readonly options: SeedWorkOptions,
    private readonly report: SeedWorkReport,
    private readonly describeError: (error: unknown) => string,
  ) {}

  async importItem(
    item: SeedWorkItem,
    path: string,
    containerName: string,
    projectId: string | undefined,
    containerCustomer: string | undefined,
  ): Promise<void> {
    const { tenantId, actor } = this.principal;
    // Equal descriptions in one container are distinguished by their order of appearance.
    const sameKey = `${containerName}\u0000${item.Description}`;
    const occurrence = (this.occurrences.get(sameKey) ?? 0) + 1;
    this.occurrences.set(sameKey, occurrence);
    const externalRef = seedRef('work-item', containerName, item.Description, String(occurrence));

    const existing = await this.database.read(tenantId, (manager) =>
      manager.findOne(Ticket, { select: { tenantId: true, id: true }, where: { tenantId, externalRef } }),
    );
    if (existing) {
      this.report.tickets.skipped += 1;
      this.report.comments.skipped += item.Comments.length;
      return;
    }

    const requesterId = this.userOf(item.CustomerEmail ?? containerCustomer) ?? this.userOf(item.ResponsibleEmail);
    if (requesterId === undefined) {
      this.fail('tickets', path, 'no requester: CustomerEmail and ResponsibleEmail name nobody in the file');
      return;
    }
    const responsible = item.ResponsibleEmail?.toLowerCase();
    const priority = priorityOf(item.PriorityScore);
    let ticketId: string;
    try {
      const ticket = await this.commands.execute(
        new CreateTicketCommand(tenantId, actor, {
          title: titleOf(item.Description),
          description: item.Description,
          domainId: this.domain.id,
          typeCode: typeOf(this.domain, item.Type),
          priority,
          customFields: customFieldsFor(this.domain, priority, this.options.fieldDefaults),
          assigneeId: responsible && this.agents.has(responsible) ? this.people.get(responsible) : undefined,
          projectId,
          tags: tagsOf(item.GerdaTags),
          requesterId,
          externalRef,
          dueAt: item.CompletionTargetDays !== undefined ? daysFrom(this.now, item.CompletionTargetDays).toISOString() : undefined,
          status: stateOf(this.domain, item.Status),
        }),
      );
      ticketId = ticket.id;
      this.report.tickets.created += 1;
    } catch (error) {
      this.fail('tickets', path, this.describeError(error));
      this.report.comments.skipped += item.Comments.length;
      return;
    }
    // NOTE: comments are added only with their ticket. If an import stops between the two, a
    // second run skips the ticket and does not add its missing comments.
    for (const [index, comment] of item.Comments.entries()) {
      await this.importComment(comment, `${path}.Comments[${index}]`, ticketId);
    }
  }

  private async importComment(comment: SeedComment, path: string, ticketId: string): Promise<void> {
    const authorId = this.userOf(comment.AuthorEmail);
    if (authorId === undefined) {
      this.fail('comments', path, 'AuthorEmail names nobody in the file');
      return;
    }
    try {
      const createdAt = daysFrom(this.now, -(comment.CreatedDaysAgo ?? 0));
      await this.commands.execute(new AddCommentCommand(this.principal, ticketId, { body: comment.Body }, { authorId, createdAt }));
      this.report.comments.created += 1;
    } catch (error) {
      this.fail('comments', path, this.describeError(error));
    }
  }

  private userOf(email: string | undefined): string | undefined {
    return email === undefined ? undefined : this.people.get(email.toLowerCase());
  }

  private fail(kind: 'tickets' | 'comments', item: string, reason: string): void {
    this.report[kind].failed += 1;
    this.report.failures.push({ item, reason });
  }
}
