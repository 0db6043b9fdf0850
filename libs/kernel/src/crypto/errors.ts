/** Base class of every error raised by the field encryption and key store code. */
export class CryptoError extends Error {
  override readonly name: string = 'CryptoError';
}

/** A value passed as an encrypted envelope does not have the `enc:v1:` envelope format. */
export class InvalidEnvelopeError extends CryptoError {
  override readonly name = 'InvalidEnvelopeError';
}

/**
 * AES-GCM authentication failed: the key, the AAD or the ciphertext differs from the ones
 * used at encryption time.
 */
export class DecryptionFailedError extends CryptoError {
  override readonly name = 'DecryptionFailedError';

  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
  }
}

/** No key with this id exists in the key store. */
export class KeyNotFoundError extends CryptoError {
  override readonly name = 'KeyNotFoundError';

  constructor(
    readonly keyId: string,
    message = `Key ${keyId} was not found in the key store.`,
  ) {
    super(message);
  }
}

/**
 * The subject key was destroyed (crypto-shredding), so values encrypted with it can never be
 * decrypted again. Callers show a placeholder such as "[erased]" in place of the value.
 */
export class KeyDestroyedError extends CryptoError {
  override readonly name = 'KeyDestroyedError';

  constructor(readonly keyId: string) {
    super(`Key ${keyId} was destroyed, so values encrypted with it cannot be decrypted.`);
  }
}

/**
 * The tenant data key version was retired after re-encryption. A value that still refers to it
 * was missed by the re-encryption run.
 */
export class KeyRetiredError extends CryptoError {
  override readonly name = 'KeyRetiredError';

  constructor(readonly keyId: string) {
    super(
      `Key ${keyId} is retired and its key material was deleted. ` +
        'Values still encrypted with it were missed by the re-encryption run.',
    );
  }
}

/** The master key is missing, unreadable or not 32 bytes. */
export class MasterKeyError extends CryptoError {
  override readonly name = 'MasterKeyError';
}

/** The master key does not match the one that created the key store. */
export class MasterKeyMismatchError extends CryptoError {
  override readonly name = 'MasterKeyMismatchError';
}

/** A key store file is malformed, or the key store is in a state that rejects the request. */
export class KeyStoreError extends CryptoError {
  override readonly name = 'KeyStoreError';
}

/** A tenant id, subject id, jurisdiction code or key id has an invalid format. */
export class InvalidIdentifierError extends CryptoError {
  override readonly name = 'InvalidIdentifierError';
}
