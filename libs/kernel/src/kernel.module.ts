import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { FieldEncryption } from './crypto/field-encryption.js';
import { fieldEncryptionProvider } from './crypto/field-encryption.provider.js';
import { KeyRotation } from './crypto/key-rotation.js';
import { DatabaseRouter } from './database/database-router.js';
import type { SchemaDefinition } from './database/sqlite-data-source.js';
import { TenantDatabase } from './database/tenant-database.js';
import { PersonalDataRegistry } from './contracts/personal-data.js';
import { MASALA_SETTINGS, type MasalaSettings } from './settings/settings.js';

export interface KernelOptions {
  settings: MasalaSettings;
  schema: SchemaDefinition;
  /** Called with the milliseconds each write waited in a SQLite write queue, for metrics. */
  onWriteWait?: (milliseconds: number) => void;
}

/** Settings, databases and the unit of work, shared by every context. */
@Global()
@Module({})
export class KernelModule implements OnApplicationShutdown {
  constructor(
    @Inject(DatabaseRouter) private readonly router: DatabaseRouter,
    @Inject(FieldEncryption) private readonly encryption: FieldEncryption,
  ) {}

  static forRoot(options: KernelOptions): DynamicModule {
    return {
      module: KernelModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: MASALA_SETTINGS, useValue: options.settings },
        {
          provide: DatabaseRouter,
          useFactory: async () => {
            const router = new DatabaseRouter(options.settings, options.schema, options.onWriteWait);
            router.setJurisdictionFolders(options.settings.jurisdictionFolders);
            await router.start();
            return router;
          },
        },
        fieldEncryptionProvider(options.settings),
        TenantDatabase,
        KeyRotation,
        PersonalDataRegistry,
      ],
      exports: [
        MASALA_SETTINGS,
        DatabaseRouter,
        TenantDatabase,
        FieldEncryption,
        KeyRotation,
        PersonalDataRegistry,
        CqrsModule,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.router.stop();
    this.encryption.close();
  }
}
