import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FieldEncryption, KeyRotation } from '#kernel';
import { TenantRegistry } from '#tenancy';
import { DomainCatalog, type DomainConfiguration } from '#tickets';

/** Encryption context of the ticket custom field column, as its entity declares it. */
export const CUSTOM_FIELDS_CONTEXT = 'tickets.custom_fields';

/**
 * Runs `work` holding a rewrite permit for the tenant's audit entries, which their triggers
 * require for UPDATE. Key rotation only replaces ciphertext: the entries' hashes cover the
 * decrypted values, so the chain stays valid.
 */
export async function withAuditRewritePermit<T>(
  manager: EntityManager,
  tenantId: string,
  work: () => Promise<T>,
): Promise<T> {
  const postgres = manager.connection.driver.options.type === 'postgres';
  const [first, second, third] = postgres ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  const id = crypto.randomUUID();
  await manager.query(
    `INSERT INTO audit_rewrite_permits (tenant_id, id, reason) VALUES (${first}, ${second}, ${third})`,
    [tenantId, id, 'data key rotation'],
  );
  try {
    return await work();
  } finally {
    await manager.query(
      `DELETE FROM audit_rewrite_permits WHERE tenant_id = ${first} AND id = ${second}`,
      [tenantId, id],
    );
  }
}

/**
 * Connects field encryption to its sources: the tenant registry for each tenant's jurisdiction,
 * and the domain configuration for the custom fields marked `sensitive`.
 */
@Injectable()
export class EncryptionWiring implements OnModuleInit {
  private readonly logger = new Logger(EncryptionWiring.name);
  private readonly sensitiveByConfiguration = new WeakMap<
    DomainConfiguration,
    ReadonlySet<string>
  >();

  constructor(
    private readonly encryption: FieldEncryption,
    private readonly registry: TenantRegistry,
    private readonly catalog: DomainCatalog,
    private readonly rotation: KeyRotation,
  ) {}

  onModuleInit(): void {
    this.encryption.setJurisdictionResolver(
      async (tenantId) => (await this.registry.findById(tenantId))?.jurisdiction,
    );
    this.encryption.setSensitiveFieldResolver(CUSTOM_FIELDS_CONTEXT, (tenantId) =>
      this.sensitiveFields(tenantId),
    );
    this.rotation.registerRewriteGuard('audit_log_entries', withAuditRewritePermit);
  }

  /**
   * Names of the custom fields marked sensitive in any domain of the tenant's configuration. A
   * name sensitive in one domain is encrypted in every domain, so its value is never stored in
   * plaintext.
   */
  private sensitiveFields(tenantId: string): ReadonlySet<string> {
    let configuration: DomainConfiguration;
    try {
      configuration = this.catalog.configurationFor(tenantId);
    } catch (error) {
      // NOTE: a tenant unknown to the catalog falls back to the instance-wide file, so a field
      // marked sensitive only in that tenant's own file would stay plaintext in this write.
      this.logger.warn({
        message: 'Tenant configuration not loaded; using the instance file',
        tenantId,
        error: String(error),
      });
      configuration = this.catalog.configurationFor('');
    }
    let names = this.sensitiveByConfiguration.get(configuration);
    if (names === undefined) {
      names = new Set(
        [...configuration.domains.values()].flatMap((domain) =>
          domain.customFields.filter((field) => field.sensitive).map((field) => field.name),
        ),
      );
      this.sensitiveByConfiguration.set(configuration, names);
    }
    return names;
  }
}
