import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DatabaseRouter,
  HasConsentQuery,
  MasalaException,
  RequestContext,
  SYSTEM_ACTOR,
} from '#kernel';
import { ChangeTenantSettingsCommand, type Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, updateTenantSettings } from './compliance-support.js';

interface ConsentRecord {
  id: string;
  subjectId: string;
  revision: number;
  purpose: string;
  granted: boolean;
  policyVersion: string;
  source: string;
  recordedBy: string;
}

describe('consent records', () => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let customerId: string;
  let otherCustomerId: string;
  let officerId: string;
  let globexUserId: string;
  let customer: ReturnType<typeof as>;
  let otherCustomer: ReturnType<typeof as>;
  let officer: ReturnType<typeof as>;
  let admin: ReturnType<typeof as>;

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    customerId = await t.createUser(acme, 'ann@acme.test', ['Customer']);
    otherCustomerId = await t.createUser(acme, 'bob@acme.test', ['Customer']);
    officerId = await t.createUser(acme, 'officer@acme.test', ['ComplianceOfficer']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    globexUserId = await t.createUser(globex, 'gina@globex.test', ['Customer']);
    customer = as(t, 'acme', await t.login('acme', 'ann@acme.test'));
    otherCustomer = as(t, 'acme', await t.login('acme', 'bob@acme.test'));
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    admin = as(t, 'acme', await t.login('acme', 'admin@acme.test'));
  });

  afterAll(async () => {
    await t.close();
  });

  const hasConsent = (tenant: Tenant, subjectId: string, processing: string) =>
    t.app.get(QueryBus).execute(new HasConsentQuery(tenant.id, subjectId, processing));

  it('keeps a withdrawal as a new record beside the grant', async () => {
    const given = await customer
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'marketing_emails', granted: true, policyVersion: '2026-01' })
      .expect(201);
    const withdrawn = await customer
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'marketing_emails', granted: false, policyVersion: '2026-01' })
      .expect(201);

    const history = await customer.get('/api/v1/compliance/consents').expect(200);
    const records = history.body.data as ConsentRecord[];
    expect(records.map((record) => record.id)).toEqual([withdrawn.body.id, given.body.id]);
    expect(records.map((record) => record.granted)).toEqual([false, true]);
    expect(records.map((record) => record.revision)).toEqual([2, 1]);
    expect(
      records.every((record) => record.source === 'api' && record.recordedBy === customerId),
    ).toBe(true);

    const marketing = (
      history.body.purposes as Array<{ code: string; granted: boolean | null }>
    ).find((purpose) => purpose.code === 'marketing_emails');
    expect(marketing?.granted).toBe(false);
  });

  it('lists the configured purposes with the current decision', async () => {
    const history = await otherCustomer.get('/api/v1/compliance/consents').expect(200);
    const codes = (history.body.purposes as Array<{ code: string; granted: boolean | null }>).map(
      (purpose) => `${purpose.code}:${String(purpose.granted)}`,
    );
    expect(codes).toEqual([
      'service_operation:null',
      'notification_emails:null',
      'marketing_emails:null',
      'third_party_webhooks:null',
    ]);
    expect(history.body.data).toEqual([]);
  });

  it('pages the history with a cursor', async () => {
    for (const granted of [true, false, true]) {
      await otherCustomer
        .post('/api/v1/compliance/consents')
        .send({ purpose: 'notification_emails', granted, policyVersion: 'v1' })
        .expect(201);
    }
    const first = await otherCustomer.get('/api/v1/compliance/consents?limit=2').expect(200);
    expect((first.body.data as ConsentRecord[]).map((record) => record.revision)).toEqual([3, 2]);
    const second = await otherCustomer
      .get(`/api/v1/compliance/consents?limit=2&cursor=${first.body.nextCursor as string}`)
      .expect(200);
    expect((second.body.data as ConsentRecord[]).map((record) => record.revision)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('rejects UPDATE and DELETE of consent rows in the database', async () => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    await expect(writer.query('UPDATE user_consents SET granted = 1')).rejects.toThrow(
      /append-only/,
    );
    await expect(writer.query('DELETE FROM user_consents')).rejects.toThrow(/append-only/);
    const [{ count }] = (await writer.query(
      'SELECT COUNT(*) AS count FROM user_consents',
    )) as Array<{
      count: number;
    }>;
    expect(count).toBeGreaterThanOrEqual(5);
  });

  it('rejects an unknown purpose naming the field', async () => {
    const response = await customer
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'newsletter', granted: true, policyVersion: 'v1' })
      .expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'purpose', rule: 'known_purpose' }),
    ]);
  });

  it.each([
    ['a missing granted flag', { purpose: 'marketing_emails', policyVersion: 'v1' }, 'granted'],
    [
      'a string granted flag',
      { purpose: 'marketing_emails', granted: 'yes', policyVersion: 'v1' },
      'granted',
    ],
    [
      'a blank policy version',
      { purpose: 'marketing_emails', granted: true, policyVersion: '' },
      'policyVersion',
    ],
    [
      'an extra source property',
      { purpose: 'marketing_emails', granted: true, policyVersion: 'v1', source: 'import' },
      'source',
    ],
    [
      'a malformed subject id',
      { purpose: 'marketing_emails', granted: true, policyVersion: 'v1', subjectId: 'x' },
      'subjectId',
    ],
  ])('rejects %s with 400', async (_label, body, field) => {
    const response = await customer.post('/api/v1/compliance/consents').send(body).expect(400);
    expect(
      (response.body.errors as Array<{ field: string }>).map((error) => error.field),
    ).toContain(field);
  });

  it("forbids a customer to read another user's consents", async () => {
    await customer.get(`/api/v1/compliance/consents?subjectId=${otherCustomerId}`).expect(403);
    await customer
      .post('/api/v1/compliance/consents')
      .send({
        purpose: 'marketing_emails',
        granted: true,
        policyVersion: 'v1',
        subjectId: otherCustomerId,
      })
      .expect(403);
  });

  it('lets an officer record and read consent on behalf of a subject', async () => {
    const recorded = await officer
      .post('/api/v1/compliance/consents')
      .send({
        purpose: 'third_party_webhooks',
        granted: true,
        policyVersion: 'paper-form-3',
        subjectId: customerId,
      })
      .expect(201);
    expect(recorded.body).toEqual(
      expect.objectContaining({
        subjectId: customerId,
        source: 'officer',
        recordedBy: officerId,
        granted: true,
      }),
    );
    const history = await officer
      .get(`/api/v1/compliance/consents?subjectId=${customerId}`)
      .expect(200);
    expect((history.body.data as ConsentRecord[])[0]?.id).toBe(recorded.body.id);
  });

  it('answers 404 for a subject of another tenant, as for a missing one', async () => {
    const foreign = await officer
      .get(`/api/v1/compliance/consents?subjectId=${globexUserId}`)
      .expect(404);
    const missing = await officer
      .get(`/api/v1/compliance/consents?subjectId=${crypto.randomUUID()}`)
      .expect(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    await officer
      .post('/api/v1/compliance/consents')
      .send({
        purpose: 'marketing_emails',
        granted: true,
        policyVersion: 'v1',
        subjectId: globexUserId,
      })
      .expect(404);
  });

  it('audits consent.given and consent.withdrawn', async () => {
    const response = await admin.get(`/api/v1/audit?entityType=consent&limit=100`).expect(200);
    const entries = response.body.data as Array<{
      action: string;
      subjectIds: string[];
      newValues: { purpose: string };
    }>;
    const ann = entries.filter((entry) => entry.subjectIds.includes(customerId));
    expect(ann.map((entry) => `${entry.action}:${entry.newValues.purpose}`).sort()).toEqual([
      'consent.given:marketing_emails',
      'consent.given:third_party_webhooks',
      'consent.withdrawn:marketing_emails',
    ]);
  });

  it('blocks processing without consent and allows it after a grant', async () => {
    const subjectId = await t.createUser(acme, 'carla@acme.test', ['Customer']);
    const carla = as(t, 'acme', await t.login('acme', 'carla@acme.test'));
    expect(await hasConsent(acme, subjectId, 'notification_emails')).toBe(false);
    expect(await hasConsent(acme, subjectId, 'processing_no_purpose_names')).toBe(true);

    await carla
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'notification_emails', granted: true, policyVersion: 'v1' })
      .expect(201);
    expect(await hasConsent(acme, subjectId, 'notification_emails')).toBe(true);

    await carla
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'notification_emails', granted: false, policyVersion: 'v1' })
      .expect(201);
    expect(await hasConsent(acme, subjectId, 'notification_emails')).toBe(false);
  });

  describe('with purposes configured by the tenant', () => {
    let subjectId: string;
    let subject: ReturnType<typeof as>;

    beforeAll(async () => {
      await updateTenantSettings(t, globex, {
        consentPurposes: [
          {
            code: 'ticket_updates',
            requiresConsent: true,
            blocks: ['notification_emails'],
            policyVersion: '3',
          },
          { code: 'support', requiresConsent: false, blocks: [] },
        ],
      });
      subjectId = await t.createUser(globex, 'gus@globex.test', ['Customer']);
      subject = as(t, 'globex', await t.login('globex', 'gus@globex.test'));
    });

    it('rejects a default purpose the tenant replaced', async () => {
      await subject
        .post('/api/v1/compliance/consents')
        .send({ purpose: 'marketing_emails', granted: true, policyVersion: '3' })
        .expect(400);
    });

    it('requires the current policy version', async () => {
      const response = await subject
        .post('/api/v1/compliance/consents')
        .send({ purpose: 'ticket_updates', granted: true, policyVersion: '2' })
        .expect(400);
      expect(response.body.errors[0]).toEqual(expect.objectContaining({ field: 'policyVersion' }));
    });

    it('unblocks the named processing with a grant of the current version', async () => {
      expect(await hasConsent(globex, subjectId, 'notification_emails')).toBe(false);
      await subject
        .post('/api/v1/compliance/consents')
        .send({ purpose: 'ticket_updates', granted: true, policyVersion: '3' })
        .expect(201);
      expect(await hasConsent(globex, subjectId, 'notification_emails')).toBe(true);
      expect(await hasConsent(globex, subjectId, 'marketing_emails')).toBe(true);
    });

    it('fails closed when the setting is invalid', async () => {
      await updateTenantSettings(t, globex, {
        consentPurposes: [{ code: 'Bad Code', requiresConsent: 'yes' }],
      });
      expect(await hasConsent(globex, subjectId, 'notification_emails')).toBe(false);
      const response = await subject
        .post('/api/v1/compliance/consents')
        .send({ purpose: 'ticket_updates', granted: true, policyVersion: '3' })
        .expect(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('through the tenant settings command', () => {
    const change = (consentPurposes: unknown[]) =>
      RequestContext.run({ correlationId: 'settings-test', system: true }, () =>
        t.app.get(CommandBus).execute(
          new ChangeTenantSettingsCommand('acme', SYSTEM_ACTOR, {
            set: { consentPurposes },
            unset: [],
          }),
        ),
      );

    it('rejects purposes the compliance rules reject', async () => {
      const error = await change([{ code: 'support', requiresConsent: 'no', blocks: [] }]).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(MasalaException);
      const fields = (error as MasalaException).details.errors ?? [];
      expect(fields).toEqual([
        expect.objectContaining({
          field: 'settings.consentPurposes',
          message: expect.stringContaining('requiresConsent must be true or false'),
        }),
      ]);
    });

    it('accepts valid purposes, which take effect', async () => {
      await change([{ code: 'support', requiresConsent: false, blocks: [] }]);
      const history = await customer.get('/api/v1/compliance/consents').expect(200);
      expect(
        (history.body.purposes as Array<{ code: string }>).map((purpose) => purpose.code),
      ).toEqual(['support']);
    });
  });
});
