import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  FieldEncryption,
  KeyDestroyedError,
  RequestContext,
  encryptedText,
  envelopeKeyId,
} from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, createPerson } from './compliance-support.js';

interface StoredUser {
  id: string;
  email: string;
  display_name: string;
}

describe('crypto-shredding of a data backup', () => {
  let t: TestApp;
  let acme: Tenant;
  let annId: string;
  let bobId: string;
  let backup: Database.Database;
  let backupFile: string;

  const usersIn = (database: Database.Database) =>
    database
      .prepare('SELECT id, email, display_name FROM users WHERE tenant_id = ?')
      .all(acme.id) as StoredUser[];
  const commentsIn = (database: Database.Database, authorId: string) =>
    (
      database
        .prepare('SELECT body FROM ticket_comments WHERE tenant_id = ? AND author_id = ?')
        .all(acme.id, authorId) as Array<{
        body: string;
      }>
    ).map((row) => row.body);

  const revisionsIn = (database: Database.Database, authorId: string) =>
    (
      database
        .prepare('SELECT body FROM comment_revisions WHERE tenant_id = ? AND replaced_by = ?')
        .all(acme.id, authorId) as Array<{ body: string }>
    ).map((row) => row.body);

  const fileKeysIn = (database: Database.Database, uploaderId: string) =>
    (
      database
        .prepare('SELECT file_key FROM ticket_attachments WHERE tenant_id = ? AND uploader_id = ?')
        .all(acme.id, uploaderId) as Array<{ file_key: string }>
    ).map((row) => row.file_key);

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme', { jurisdiction: 'BE' });
    annId = await createPerson(t, acme, 'ann.smith@acme.test', 'Ann Smith', ['Customer']);
    bobId = await createPerson(t, acme, 'bob.jones@acme.test', 'Bob Jones', ['Customer']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    for (const [email, text] of [
      ['ann.smith@acme.test', 'My badge number is 4711'],
      ['bob.jones@acme.test', 'My desk is 12B'],
    ] as const) {
      const client = as(t, 'acme', await t.login('acme', email));
      const ticket = await client
        .post('/api/v1/tickets')
        .send({ title: 'Access', description: 'Door', customFields: { urgency: 'Low' } })
        .expect(201);
      const comment = await client
        .post(`/api/v1/tickets/${ticket.body.id}/comments`)
        .send({ body: `${text} (draft)` })
        .expect(201);
      await client
        .patch(`/api/v1/tickets/${ticket.body.id}/comments/${comment.body.id}`)
        .set('If-Match', '"1"')
        .send({ body: text })
        .expect(200);
      await client
        .post(`/api/v1/tickets/${ticket.body.id}/attachments`)
        .attach('file', Buffer.from(`Scan: ${text}`), 'scan.txt')
        .expect(201);
    }

    // The online backup API copies a consistent snapshot of the live database.
    const live = new Database(join(t.dataDir, 'masala.sqlite'), {
      readonly: true,
      fileMustExist: true,
    });
    // The copy lives outside the data folder, as a backup does, so the erasure cannot touch it.
    backupFile = join(mkdtempSync(join(tmpdir(), 'masala-backup-')), 'before-erasure.sqlite');
    await live.backup(backupFile);
    live.close();

    const officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    await officer.post(`/api/v1/compliance/subjects/${annId}/erasure`).expect(200);
    backup = new Database(backupFile, { readonly: true, fileMustExist: true });
  });

  afterAll(async () => {
    backup?.close();
    if (backupFile) rmSync(dirname(backupFile), { recursive: true, force: true });
    await t.close();
  });

  const encryption = () => t.app.get(FieldEncryption);

  it('stored the profile and comments under subject keys', () => {
    const ann = usersIn(backup).find((user) => user.id === annId)!;
    expect(envelopeKeyId(ann.email)).toBe(`sk.${acme.id}.${annId}.g1`);
    expect(envelopeKeyId(ann.display_name)).toBe(`sk.${acme.id}.${annId}.g1`);
    const [body] = commentsIn(backup, annId);
    expect(envelopeKeyId(body!)).toBe(`sk.${acme.id}.${annId}.g1`);
    const [revision] = revisionsIn(backup, annId);
    expect(envelopeKeyId(revision!)).toBe(`sk.${acme.id}.${annId}.g1`);
  });

  it("leaves the erased subject's values in the backup unreadable", () => {
    const ann = usersIn(backup).find((user) => user.id === annId)!;
    expect(() => encryption().decrypt(ann.email, 'users.email', acme.id)).toThrow(
      KeyDestroyedError,
    );
    expect(() => encryption().decrypt(ann.display_name, 'users.display_name', acme.id)).toThrow(
      KeyDestroyedError,
    );
    for (const body of commentsIn(backup, annId)) {
      expect(() => encryption().decrypt(body, 'ticket_comments.body', acme.id)).toThrow(
        KeyDestroyedError,
      );
    }
    for (const body of revisionsIn(backup, annId)) {
      expect(() => encryption().decrypt(body, 'comment_revisions.body', acme.id)).toThrow(
        KeyDestroyedError,
      );
    }
  });

  it("leaves the erased subject's attachment keys in the backup unreadable", () => {
    const [annKey] = fileKeysIn(backup, annId);
    expect(envelopeKeyId(annKey!)).toBe(`sk.${acme.id}.${annId}.g1`);
    expect(() => encryption().decrypt(annKey!, 'ticket_attachments.file_key', acme.id)).toThrow(
      KeyDestroyedError,
    );
    const [bobKey] = fileKeysIn(backup, bobId);
    expect(encryption().decrypt(bobKey!, 'ticket_attachments.file_key', acme.id)).toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    );
  });

  it('reads the erased values as "[erased]" through the column transformers', () => {
    const ann = usersIn(backup).find((user) => user.id === annId)!;
    const [body] = commentsIn(backup, annId);
    RequestContext.run({ correlationId: 'backup-check', tenantId: acme.id }, () => {
      expect(encryptedText('users.email').from(ann.email)).toBe('[erased]');
      expect(encryptedText('users.display_name').from(ann.display_name)).toBe('[erased]');
      expect(encryptedText('ticket_comments.body').from(body)).toBe('[erased]');
    });
  });

  it('keeps the other subjects in the backup readable', () => {
    const bob = usersIn(backup).find((user) => user.id === bobId)!;
    expect(encryption().decrypt(bob.email, 'users.email', acme.id)).toBe('bob.jones@acme.test');
    expect(encryption().decrypt(bob.display_name, 'users.display_name', acme.id)).toBe('Bob Jones');
    const [body] = commentsIn(backup, bobId);
    expect(encryption().decrypt(body!, 'ticket_comments.body', acme.id)).toBe('My desk is 12B');
    const [revision] = revisionsIn(backup, bobId);
    expect(encryption().decrypt(revision!, 'comment_revisions.body', acme.id)).toBe(
      'My desk is 12B (draft)',
    );
  });

  it('finds no subject key file for the erased subject in the key store', () => {
    expect(encryption().hasSubjectKey(acme.id, annId)).toBe(false);
    expect(encryption().hasSubjectKey(acme.id, bobId)).toBe(true);
  });
});
