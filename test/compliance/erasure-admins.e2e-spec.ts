import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';
import { as, createPerson } from './compliance-support.js';

describe('erasure of Admin accounts', () => {
  let t: TestApp;
  let acme: Tenant;
  let adaId: string;
  let officer: ReturnType<typeof as>;

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme', { jurisdiction: 'BE' });
    adaId = await createPerson(t, acme, 'ada.admin@acme.test', 'Ada Admin', ['Admin']);
    await createPerson(t, acme, 'olga.officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    officer = as(t, 'acme', await t.login('acme', 'olga.officer@acme.test'));
  });

  afterAll(async () => {
    await t.close();
  });

  it('rejects erasing the last active Admin', async () => {
    const response = await officer.post(`/api/v1/compliance/subjects/${adaId}/erasure`).expect(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'userId', rule: 'last_admin' })]);
  });

  it('leaves the account usable after the rejection', async () => {
    const ada = as(t, 'acme', await t.login('acme', 'ada.admin@acme.test'));
    const me = await ada.get('/api/v1/me').expect(200);
    expect(me.body).toMatchObject({ email: 'ada.admin@acme.test', displayName: 'Ada Admin' });
  });

  it('erases an Admin once another is active', async () => {
    await createPerson(t, acme, 'bea.admin@acme.test', 'Bea Admin', ['Admin']);
    const receipt = await officer.post(`/api/v1/compliance/subjects/${adaId}/erasure`).expect(200);
    expect(receipt.body.subjectId).toBe(adaId);
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'acme')
      .send({ email: 'ada.admin@acme.test', password: TEST_PASSWORD })
      .expect(401);
  });
});
