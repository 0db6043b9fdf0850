import type { EntityManager } from 'typeorm';
import { UserConsent } from '../domain/user-consent.entity.js';

/** Returns the current decision per purpose of one subject: its record with the highest revision. */
export function currentConsents(
  manager: EntityManager,
  tenantId: string,
  subjectId: string,
  purposes?: readonly string[],
): Promise<UserConsent[]> {
  const query = manager
    .getRepository(UserConsent)
    .createQueryBuilder('consent')
    .where('consent.tenantId = :tenantId AND consent.subjectId = :subjectId', {
      tenantId,
      subjectId,
    })
    .andWhere(
      `consent.revision = (SELECT MAX(latest.revision) FROM user_consents latest
         WHERE latest.tenant_id = consent.tenant_id AND latest.subject_id = consent.subject_id
           AND latest.purpose = consent.purpose)`,
    );
  if (purposes) {
    if (purposes.length === 0) return Promise.resolve([]);
    query.andWhere('consent.purpose IN (:...purposes)', { purposes: [...purposes] });
  }
  return query.orderBy('consent.purpose', 'ASC').getMany();
}

export async function nextRevision(
  manager: EntityManager,
  tenantId: string,
  subjectId: string,
): Promise<number> {
  const row = await manager
    .getRepository(UserConsent)
    .createQueryBuilder('consent')
    .select('MAX(consent.revision)', 'revision')
    .where('consent.tenantId = :tenantId AND consent.subjectId = :subjectId', {
      tenantId,
      subjectId,
    })
    .getRawOne<{ revision: number | string | null }>();
  return Number(row?.revision ?? 0) + 1;
}
