export * from './errors.js';
export {
  decryptField,
  readEnvelopeParts,
  type ParsedEnvelope,
  encryptField,
  envelopeKeyId,
  isEncryptedEnvelope,
  reencryptField,
  type DataKey,
  type DataKeyResolver,
} from './field-envelope.js';
export {
  KeyRing,
  type KeyRingOptions,
  type SubjectKeyOptions,
  type TenantKeyInfo,
  type TenantKeyStatus,
} from './key-ring.js';
export { parseKeyId, type KeyId } from './key-ids.js';
export {
  GENERATED_MASTER_KEY_FILE,
  MASTER_KEY_ENV,
  MASTER_KEY_FILE_ENV,
  loadMasterKey,
  type LoadedMasterKey,
  type MasterKeyOptions,
  type MasterKeySource,
} from './master-key.js';
export {
  blindIndex,
  deriveBlindIndexKey,
  normalizeForBlindIndex,
  type BlindIndexNormalization,
  type BlindIndexOptions,
} from './blind-index.js';
export {
  ERASED_VALUE,
  FieldEncryption,
  type FieldEncryptionOptions,
  type JurisdictionResolver,
  type SensitiveFieldResolver,
} from './field-encryption.js';
export {
  EncryptedColumnTransformer,
  encryptedJson,
  encryptedJsonFields,
  encryptedText,
  fieldContext,
  type EncryptedColumnFormat,
} from './encrypted-column.js';
export { fieldEncryptionProvider } from './field-encryption.provider.js';
export { findEncryptedTables, type EncryptedColumn, type EncryptedTable } from './encrypted-columns.js';
export { reencryptStoredValue, type ReencryptedValue } from './stored-values.js';
export {
  KeyRotation,
  TenantKeyRotatedEvent,
  type RewriteGuard,
  type RotationOptions,
  type RotationProgress,
  type RotationResult,
} from './key-rotation.js';
export {
  KEY_STORE_BACKUP_FORMAT,
  backupKeyStore,
  readKeyStoreBackup,
  restoreKeyStore,
  type KeyStoreBackup,
  type KeyStoreRestoreResult,
} from './key-store-backup.js';
export { writeFileAtomic } from './key-store-files.js';
