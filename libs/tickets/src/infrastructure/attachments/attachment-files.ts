import { Inject, Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MASALA_SETTINGS, MasalaException, ErrorCode, type MasalaSettings } from '#kernel';

/** File header: format name and version, so that a later format can be recognised. */
const MAGIC = Buffer.from('MASALA-ATTACHMENT-1\n', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ID_PATTERN = /^[0-9a-f-]{36}$/;

/**
 * Stores attachment contents under `<data dir>/attachments/<tenantId>/<attachmentId>.bin`,
 * encrypted with AES-256-GCM under a random key per file. The additional authenticated data
 * names tenant and attachment, so a file moved to another tenant or id does not decrypt. Paths
 * are built from ids only, never from client input.
 */
@Injectable()
export class AttachmentFiles {
  private readonly logger = new Logger(AttachmentFiles.name);

  constructor(@Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings) {}

  /** Encrypts and writes a file; returns its key, which the caller stores encrypted. */
  async write(tenantId: string, attachmentId: string, content: Buffer): Promise<string> {
    const key = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadFor(tenantId, attachmentId));
    const sealed = Buffer.concat([MAGIC, iv, cipher.update(content), cipher.final(), cipher.getAuthTag()]);

    const folder = this.folderOf(tenantId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const target = this.pathOf(tenantId, attachmentId);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(sealed);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    return key.toString('base64url');
  }

  /**
   * Reads and decrypts a whole file. The authentication tag is checked before any byte is
   * returned, so tampered content is never served; files are limited to the upload size.
   */
  async read(tenantId: string, attachmentId: string, fileKey: string): Promise<Buffer> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(tenantId, attachmentId));
    } catch (error) {
      this.logger.error({ message: 'Attachment file is missing', tenantId, attachmentId, error: String(error) });
      throw new MasalaException(ErrorCode.Unavailable, 'The attachment content is not available; report the attachment id');
    }
    const header = sealed.subarray(0, MAGIC.length);
    const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const body = sealed.subarray(MAGIC.length + IV_BYTES, sealed.length - TAG_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    try {
      if (!header.equals(MAGIC)) throw new Error('unknown file format');
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(fileKey, 'base64url'), iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadFor(tenantId, attachmentId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (error) {
      this.logger.error({ message: 'Attachment file failed to decrypt', tenantId, attachmentId, error: String(error) });
      throw new MasalaException(ErrorCode.Unavailable, 'The attachment content failed its integrity check; report the attachment id');
    }
  }

  /**
   * Overwrites a file with zeros, then deletes it. Copy-on-write file systems and SSD wear
   * levelling may keep old blocks, which stay unreadable because the file key is deleted too.
   */
  async shred(tenantId: string, attachmentId: string): Promise<void> {
    const path = this.pathOf(tenantId, attachmentId);
    try {
      const { size } = await stat(path);
      const handle = await open(path, 'r+');
      try {
        await handle.write(Buffer.alloc(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await rm(path, { force: true });
  }

  private folderOf(tenantId: string): string {
    if (!ID_PATTERN.test(tenantId)) throw new Error(`Invalid tenant id for an attachment path: ${tenantId}`);
    return join(this.settings.dataDir, 'attachments', tenantId);
  }

  private pathOf(tenantId: string, attachmentId: string): string {
    if (!ID_PATTERN.test(attachmentId)) throw new Error(`Invalid attachment id for a path: ${attachmentId}`);
    return join(this.folderOf(tenantId), `${attachmentId}.bin`);
  }
}

function aadFor(tenantId: string, attachmentId: string): Buffer {
  return Buffer.from(`tenant:${tenantId}:ticket_attachments:${attachmentId}`, 'utf8');
}
