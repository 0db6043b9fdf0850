import type { Provider } from '@nestjs/common';

import type { MasalaSettings } from '../settings/settings.js';
import { FieldEncryption } from './field-encryption.js';

/** Nest provider of the process's FieldEncryption, opened from the settings at start-up. */
export function fieldEncryptionProvider(settings: MasalaSettings): Provider {
  return {
    provide: FieldEncryption,
    useFactory: () =>
      FieldEncryption.open({
        keyStoreDir: settings.keyStoreDir,
        dataDir: settings.dataDir,
        masterKeyFile: settings.masterKeyFile,
        masterKey: settings.masterKey,
        plaintextCacheBytes: settings.decryptedCacheBytes,
      }),
  };
}
