import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseRouter, FieldEncryption } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  createNamedUser,
  readDatabaseBytes,
  writeSensitiveConfig,
} from './data-protection-fixtures.js';

/** Values that must never appear in a database file, each unique enough to search for. */
const SECRETS = {
  email: 'wilhelmina.vandersteen@hospital.example',
  displayName: 'Wilhelmina Vandersteen-Plaintext',
  description: 'Patient reports chest pain radiating to the left arm since breakfast',
  patientNumber: 'PN-7731-SECRET-4410',
  dedicatedDescription: 'Dedicated tenant description that must stay ciphertext',
};

describe('encryption at rest', () => {
  let t: TestApp;
  let configFolder: string;
  let shared: Tenant;
  let dedicated: Tenant;
  let token: string;
  let ticketId: string;

  beforeAll(async () => {
    configFolder = writeSensitiveConfig();
    t = await startTestApp({ MASALA_CONFIG_PATH: configFolder });
    shared = await t.createTenant('care', { jurisdiction: 'BE' });
    dedicated = await t.createTenant('clinic', { jurisdiction: 'NL', storage: 'dedicated' });
    await createNamedUser(t, shared, SECRETS.email, SECRETS.displayName, ['Employee']);
    await createNamedUser(t, dedicated, 'nurse@clinic.example', 'Nurse Clinic', ['Employee']);
    token = await t.login('care', SECRETS.email);

    const created = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'care')
      .set('Authorization', `Bearer ${token}`)
      .send({
        title: 'Triage',
        description: SECRETS.description,
        customFields: { patient_number: SECRETS.patientNumber, ward: 'Cardiology' },
      })
      .expect(201);
    ticketId = created.body.id as string;

    const clinicToken = await t.login('clinic', 'nurse@clinic.example');
    await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'clinic')
      .set('Authorization', `Bearer ${clinicToken}`)
      .send({ title: 'Round', description: SECRETS.dedicatedDescription })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
    rmSync(configFolder, { recursive: true, force: true });
  });

  it('returns the decrypted values over the API', async () => {
    const ticket = await t.http
      .get(`/api/v1/tickets/${ticketId}`)
      .set('X-Tenant-ID', 'care')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(ticket.body.description).toBe(SECRETS.description);
    expect(ticket.body.customFields.patient_number).toBe(SECRETS.patientNumber);
    const me = await t.http
      .get('/api/v1/me')
      .set('X-Tenant-ID', 'care')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body.email).toBe(SECRETS.email);
    expect(me.body.displayName).toBe(SECRETS.displayName);
  });

  it('keeps every sensitive value out of the database files', () => {
    const files = readDatabaseBytes(t.dataDir);
    expect(files.size).toBeGreaterThanOrEqual(2);
    for (const [file, bytes] of files) {
      for (const [field, secret] of Object.entries(SECRETS)) {
        expect({ file, field, found: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({
          file,
          field,
          found: false,
        });
      }
    }
  });

  it('stores envelopes that name the tenant data key', async () => {
    const router = t.app.get(DatabaseRouter);
    const rows = (await router
      .catalog()
      .read(shared.id, (manager) =>
        manager.query('SELECT description, custom_fields FROM tickets WHERE tenant_id = ?', [
          shared.id,
        ]),
      )) as Array<{ description: string; custom_fields: string }>;
    expect(rows[0]?.description.startsWith(`enc:v1:dek.${shared.id}.v1:`)).toBe(true);
    const customFields = JSON.parse(rows[0]!.custom_fields) as Record<string, string>;
    expect(customFields['ward']).toBe('Cardiology');
    expect(customFields['patient_number']?.startsWith(`enc:v1:dek.${shared.id}.v1:`)).toBe(true);
  });

  it('wraps each tenant key with its jurisdiction key', () => {
    const encryption = t.app.get(FieldEncryption);
    expect(encryption.listTenantKeys(shared.id)[0]?.wrappingKeyId).toBe('kek.BE');
    expect(encryption.listTenantKeys(dedicated.id)[0]?.wrappingKeyId).toBe('kek.NL');
  });

  it('keeps the key store apart from the database files', () => {
    const encryption = t.app.get(FieldEncryption);
    expect(encryption.keyStoreDir).toBe(join(t.dataDir, 'keys'));
    expect([...readDatabaseBytes(encryption.keyStoreDir).keys()]).toEqual([]);
    expect(existsSync(join(encryption.keyStoreDir, 'jurisdictions', 'BE.json'))).toBe(true);
  });

  it('finds users by the blind index of their e-mail', async () => {
    const router = t.app.get(DatabaseRouter);
    const rows = (await router
      .catalog()
      .read(shared.id, (manager) =>
        manager.query('SELECT email, email_lookup FROM users WHERE tenant_id = ?', [shared.id]),
      )) as Array<{ email: string; email_lookup: string }>;
    expect(rows[0]?.email.startsWith('enc:v1:')).toBe(true);
    expect(rows[0]?.email_lookup).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await t.login('care', SECRETS.email.toUpperCase());
  });
});
