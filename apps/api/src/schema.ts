import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '#audit';
import { COMPLIANCE_ENTITIES, COMPLIANCE_MIGRATIONS, COMPLIANCE_SUBSCRIBERS } from '#compliance';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from '#identity';
import { TenantSubscriber, TimestampSubscriber, type SchemaDefinition } from '#kernel';
import { TENANCY_ENTITIES, TENANCY_MIGRATIONS } from '#tenancy';
import { TICKETS_ENTITIES, TICKETS_MIGRATIONS } from '#tickets';

/** Every context's entities and migrations; each database (catalog or per tenant) gets all of them. */
export const MASALA_SCHEMA: SchemaDefinition = {
  entities: [
    ...TENANCY_ENTITIES,
    ...IDENTITY_ENTITIES,
    ...TICKETS_ENTITIES,
    ...AUDIT_ENTITIES,
    ...COMPLIANCE_ENTITIES,
  ],
  migrations: [
    ...TENANCY_MIGRATIONS,
    ...IDENTITY_MIGRATIONS,
    ...TICKETS_MIGRATIONS,
    ...AUDIT_MIGRATIONS,
    ...COMPLIANCE_MIGRATIONS,
  ],
  subscribers: [TenantSubscriber, TimestampSubscriber, ...COMPLIANCE_SUBSCRIBERS],
};
