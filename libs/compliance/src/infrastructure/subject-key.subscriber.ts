import {
  EventSubscriber,
  type EntityMetadata,
  type EntitySubscriberInterface,
  type InsertEvent,
  type ObjectLiteral,
  type UpdateEvent,
} from 'typeorm';
import {
  ERASED_VALUE,
  EncryptedColumnTransformer,
  FieldEncryption,
  RequestContext,
  isEncryptedEnvelope,
} from '#kernel';

/** A table whose personal text columns are encrypted with the key of the person they belong to. */
interface SubjectKeyedTable {
  /** Property that contains the data subject's user id. */
  subject: string;
  /** Text properties encrypted with the subject key; each must use an encryptedText transformer. */
  properties: readonly string[];
}

/**
 * Columns encrypted with data subject keys (crypto-shredding). Destroying the subject's key at
 * erasure makes these values unreadable everywhere, including database backups made before the
 * erasure. The README lists the same columns; keep both in step.
 */
export const SUBJECT_KEYED_TABLES: Readonly<Record<string, SubjectKeyedTable>> = {
  users: { subject: 'id', properties: ['email', 'displayName'] },
  ticket_comments: { subject: 'authorId', properties: ['body'] },
  // Only a comment's author may edit it, so `replacedBy` is the author of the earlier text.
  comment_revisions: { subject: 'replacedBy', properties: ['body'] },
  // The key of the uploaded file, so destroying the uploader's key makes the file unreadable.
  ticket_attachments: { subject: 'uploaderId', properties: ['fileKey'] },
};

const SUBJECT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Encrypts the columns in SUBJECT_KEYED_TABLES with the subject's key before TypeORM writes a
 * row. The column's own transformer (tenant key) passes such an envelope through unchanged and
 * decrypts it on read, returning "[erased]" once the subject key is destroyed. After the write
 * the entity object gets its plaintext back, so the caller's copy stays readable.
 *
 * NOTE: a partial update (`manager.update(User, where, { displayName })`) carries no subject id,
 * so its values are encrypted with the tenant key only. Inserts and `save` of whole entities,
 * which is how rows are created, use the subject key.
 */
@EventSubscriber()
export class SubjectKeySubscriber implements EntitySubscriberInterface {
  private readonly plaintexts = new WeakMap<object, Record<string, string>>();

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    this.seal(event.metadata, event.entity);
  }

  afterInsert(event: InsertEvent<ObjectLiteral>): void {
    this.restore(event.entity);
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (event.entity) this.seal(event.metadata, event.entity);
  }

  afterUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (event.entity) this.restore(event.entity);
  }

  private seal(metadata: EntityMetadata, row: ObjectLiteral): void {
    const table = SUBJECT_KEYED_TABLES[metadata.tableName];
    if (!table || !row) return;
    const subjectId: unknown = row[table.subject];
    if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId)) return;

    const tenantId = RequestContext.tenantId();
    const encryption = FieldEncryption.forTenant(tenantId);
    const stash: Record<string, string> = {};
    for (const property of table.properties) {
      const value: unknown = row[property];
      if (
        typeof value !== 'string' ||
        value === '' ||
        value === ERASED_VALUE ||
        isEncryptedEnvelope(value)
      )
        continue;
      const transformer = metadata.findColumnWithPropertyName(property)?.transformer;
      if (!(transformer instanceof EncryptedColumnTransformer) || transformer.format !== 'text')
        continue;
      stash[property] = value;
      row[property] = encryption.encryptForSubject(tenantId, subjectId, transformer.context, value);
    }
    if (Object.keys(stash).length > 0) this.plaintexts.set(row, stash);
  }

  private restore(row: ObjectLiteral): void {
    const stash = row ? this.plaintexts.get(row) : undefined;
    if (!stash) return;
    Object.assign(row, stash);
    this.plaintexts.delete(row);
  }
}
