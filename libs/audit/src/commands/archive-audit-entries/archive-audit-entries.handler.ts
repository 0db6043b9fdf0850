import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { rm } from 'node:fs/promises';
import { Between } from 'typeorm';
import { ErrorCode, TenantDatabase, type UnitOfWork } from '#kernel';
import { ChainVerifier, checkpointDigest } from '../../domain/audit-chain.js';
import { AuditCheckpoint } from '../../domain/audit-checkpoint.entity.js';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { AuditException } from '../../domain/audit.exception.js';
import type { SegmentHeader } from '../../domain/audit-segment.js';
import { AuditEntriesArchivedEvent } from '../../events/audit.events.js';
import { AuditSegmentReader } from '../../infrastructure/audit-segment-reader.js';
import { chainStart } from '../../infrastructure/chain-rewriter.js';
import { lockChain, withRewritePermit } from '../../infrastructure/rewrite-permit.js';
import { SegmentFileExistsError, writeSegmentFile } from '../../infrastructure/segment-file.js';
import {
  ArchiveAuditEntriesCommand,
  type AuditArchiveResult,
} from './archive-audit-entries.command.js';

/**
 * Writes the entries before the cut-off to an archive file, checking the chain while writing,
 * then in one transaction records an archive checkpoint, appends the `audit.archived` entry that
 * confirms it, and deletes the archived entries under a rewrite permit.
 */
// NOTE: archive files contain the decrypted old and new values, and erasure (AuditSubjectRedactor)
// rewrites only the live table. Archives made before an erasure still name the person.
@CommandHandler(ArchiveAuditEntriesCommand)
export class ArchiveAuditEntriesHandler implements ICommandHandler<ArchiveAuditEntriesCommand> {
  private readonly logger = new Logger(ArchiveAuditEntriesHandler.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly segments: AuditSegmentReader,
  ) {}

  async execute(command: ArchiveAuditEntriesCommand): Promise<AuditArchiveResult> {
    const { tenantId, before, file } = command;
    const dryRun = command.options.dryRun ?? false;
    if (Number.isNaN(before.getTime()) || before.getTime() > Date.now()) {
      throw AuditException.invalid(
        'before',
        'past_date',
        'before must be a valid date that is not in the future',
      );
    }
    const header = await this.segments.header(
      tenantId,
      'archive',
      { to: before },
      command.options.tenantSlug ?? null,
    );
    const summary = {
      entries: header.entries,
      firstSequence: header.firstSequence,
      lastSequence: header.lastSequence,
    };
    if (header.entries === 0 || dryRun)
      return { dryRun, ...summary, file: null, checkpointId: null };
    if (!file)
      throw AuditException.invalid(
        'file',
        'required',
        'an archive file is required unless it is a dry run',
      );

    const start = await this.database.read(tenantId, (manager) => chainStart(manager, tenantId));
    const verifier = new ChainVerifier(start);
    await writeSegmentFile(file, header, this.segments.entries(header), (entry) =>
      verifier.add(entry),
    ).catch((error: unknown) => {
      if (error instanceof SegmentFileExistsError)
        throw AuditException.invalid('file', 'exists', error.message);
      throw error;
    });
    try {
      const broken = verifier.firstBreak();
      if (broken) throw AuditException.chainBroken(broken.sequence, broken.reason);
      if (verifier.head() !== header.lastHash) {
        throw new AuditException(
          ErrorCode.Conflict,
          'The audit chain changed while it was archived; run the archive again',
        );
      }
      const checkpointId = await this.database.write(tenantId, (unitOfWork) =>
        this.removeArchived(unitOfWork, command, header),
      );
      this.logger.log({ message: 'Archived audit entries', tenantId, ...summary, checkpointId });
      return { dryRun, ...summary, file, checkpointId };
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  private async removeArchived(
    unitOfWork: UnitOfWork,
    command: ArchiveAuditEntriesCommand,
    header: SegmentHeader,
  ): Promise<string> {
    const { tenantId } = command;
    const manager = unitOfWork.manager;
    await lockChain(manager, tenantId);
    const start = await chainStart(manager, tenantId);
    const last = await manager.findOne(AuditLogEntry, {
      where: { tenantId, sequence: header.lastSequence! },
    });
    if (
      start.sequence !== header.firstSequence ||
      start.previousHash !== header.firstPreviousHash ||
      last?.hash !== header.lastHash
    ) {
      throw new AuditException(
        ErrorCode.Conflict,
        'The audit chain changed while it was archived; run the archive again',
      );
    }

    const checkpoint: AuditCheckpoint = {
      tenantId,
      id: crypto.randomUUID(),
      kind: 'archive',
      sequence: header.firstSequence!,
      lastSequence: header.lastSequence!,
      previousHashBefore: header.firstPreviousHash!,
      previousHashAfter: header.lastHash!,
      entries: header.entries,
      reason: `retention: entries before ${header.to}`,
      createdAt: new Date().toISOString(),
    };
    await manager.insert(AuditCheckpoint, checkpoint);
    await unitOfWork.emit(
      new AuditEntriesArchivedEvent(tenantId, command.actor, checkpoint.id, {
        sequence: checkpoint.sequence,
        lastSequence: checkpoint.lastSequence,
        entries: checkpoint.entries,
        before: header.to!,
        checkpointDigest: checkpointDigest(checkpoint),
      }),
    );
    await withRewritePermit(manager, tenantId, checkpoint.reason, () =>
      manager.delete(AuditLogEntry, {
        tenantId,
        sequence: Between(checkpoint.sequence, checkpoint.lastSequence),
      }),
    );
    return checkpoint.id;
  }
}
