import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataRegistry,
  type DataSubject,
  type DataSubjectDirectory,
  type ErasureCounts,
  type ExportSection,
  type PersonalDataParticipant,
  type UnitOfWork,
} from '#kernel';
import { IdentityException } from '../domain/identity.exception.js';
import { RecoveryCode } from '../domain/recovery-code.entity.js';
import { RefreshToken } from '../domain/refresh-token.entity.js';
import { User } from '../domain/user.entity.js';
import { UserToken } from '../domain/user-token.entity.js';
import { hasAnotherActiveAdmin, isActiveAdmin } from './active-admins.js';
import { EmailIndex } from './email-index.js';

/** Stored in place of the e-mail address and display name of an erased account. */
const ERASED = '[erased]';

/**
 * The identity context's share of data-subject requests: the account profile and sign-in
 * sessions in exports, and on erasure an anonymised account that can never sign in again.
 * It is also the directory from which the other contexts learn who a subject is.
 */
@Injectable()
export class IdentityPersonalDataParticipant
  implements PersonalDataParticipant, DataSubjectDirectory, OnModuleInit
{
  readonly context = 'identity';

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly emailIndex: EmailIndex,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
    this.registry.registerDirectory(this);
  }

  async describe(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): Promise<DataSubject | null> {
    const user = await manager.findOne(User, { where: { tenantId, id: subjectId } });
    if (!user) return null;
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      aliases: aliasesOf(user.email),
      status: user.status,
    };
  }

  async findIdByEmail(
    manager: EntityManager,
    tenantId: string,
    email: string,
  ): Promise<string | null> {
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);
    const user = await manager.findOne(User, {
      select: { id: true },
      where: { tenantId, emailLookup },
    });
    return user?.id ?? null;
  }

  async *export(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<ExportSection> {
    const user = await manager.findOne(User, { where: { tenantId, id: subjectId } });
    yield {
      name: 'profile',
      records: user
        ? [
            {
              id: user.id,
              email: user.email,
              displayName: user.displayName,
              roles: user.roles,
              status: user.status,
              createdAt: user.createdAt.toISOString(),
              updatedAt: user.updatedAt.toISOString(),
            },
          ]
        : [],
    };
    const sessions = await manager.find(RefreshToken, {
      where: { tenantId, userId: subjectId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    yield {
      name: 'sessions',
      records: sessions.map((session) => ({
        id: session.id,
        familyId: session.familyId,
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        usedAt: session.usedAt?.toISOString() ?? null,
        revokedAt: session.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Anonymises the account. E-mail address and name become "[erased]", and the e-mail lookup key
   * a value no login can produce. Credentials and second factor are removed. The status becomes
   * `erased` and the token version moves on, so every token issued before stops working.
   */
  async erase(unitOfWork: UnitOfWork, subject: DataSubject): Promise<ErasureCounts> {
    const { manager, tenantId } = unitOfWork;
    const where = { tenantId, id: subject.id };
    // The erasure runs in one transaction, so this rejection leaves every context's data as it was.
    const account = await manager.findOne(User, { select: { tenantId: true, id: true, status: true, roles: true }, where });
    if (account && isActiveAdmin(account) && !(await hasAnotherActiveAdmin(manager, tenantId, subject.id))) {
      throw IdentityException.lastAdminErasure();
    }
    const result = await manager.update(User, where, {
      email: ERASED,
      emailLookup: `erased:${subject.id}`,
      displayName: ERASED,
      passwordHash: null,
      status: 'erased',
      tokenVersion: () => 'token_version + 1',
      failedLogins: 0,
      lockedUntil: null,
      twoFactorSecret: null,
      twoFactorPendingSecret: null,
      twoFactorEnabledAt: null,
      twoFactorLastStep: null,
    });
    const owned = { tenantId, userId: subject.id };
    const sessions = await manager.delete(RefreshToken, owned);
    const tokens = await manager.delete(UserToken, owned);
    const recoveryCodes = await manager.delete(RecoveryCode, owned);
    const accounts = result.affected ?? 0;
    return {
      'users.email': accounts,
      'users.display_name': accounts,
      // Key names avoid words such as "token" that the audit trail redacts as secrets.
      'users.sign_in': accounts,
      'sessions.deleted': sessions.affected ?? 0,
      'email_links.deleted': tokens.affected ?? 0,
      'backup_codes.deleted': recoveryCodes.affected ?? 0,
    };
  }
}

/**
 * Returns the local part of the e-mail address when it looks like a name (`jan.peeters`),
 * because such handles appear in free text on their own. Single words (`info`, `jan`) are left
 * out, since erasing them would remove ordinary words from other people's text.
 */
function aliasesOf(email: string): string[] {
  const local = email.split('@')[0] ?? '';
  return /^[\p{L}\p{N}]+([._+-][\p{L}\p{N}]+)+$/u.test(local) ? [local] : [];
}
