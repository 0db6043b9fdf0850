import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('JSON body rules', () => {
  let t: TestApp;
  let token: string;

  const post = (raw: string) =>
    t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(raw);

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    token = await t.login('acme', 'agent@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['an unpaired surrogate', '{"title":"\\ud800x","description":"d"}', 'utf8'],
    ['a NUL character', '{"title":"a\\u0000b","description":"d"}', 'control_character'],
    ['a __proto__ key', '{"title":"t","description":"d","__proto__":{"admin":true}}', 'forbidden_key'],
    ['a nested constructor key', '{"title":"t","description":"d","customFields":{"constructor":1}}', 'forbidden_key'],
    ['deep nesting', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, 'max_depth'],
  ])('rejects %s', async (_case, raw, rule) => {
    const response = await post(raw).expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body', rule })]);
  });

  it('stores a paired surrogate as sent', async () => {
    const created = await post('{"title":"smile \\ud83d\\ude00","description":"d","customFields":{"urgency":"Low"}}').expect(201);
    const stored = await t.http
      .get(`/api/v1/tickets/${created.body.id}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(stored.body.title).toBe('smile \u{1F600}');
  });

  describe('missing required fields', () => {
    let ticketId: string;

    beforeAll(async () => {
      const created = await post('{"title":"Parent","description":"d","customFields":{"urgency":"Low"}}').expect(201);
      ticketId = created.body.id as string;
    });

    it.each([
      ['/api/v1/auth/password-reset/request', {}, [['email', 'required']]],
      ['/api/v1/tickets', { description: 'd' }, [['title', 'required']]],
      ['/api/v1/tickets', {}, [['title', 'required'], ['description', 'required']]],
      ['/api/v1/tickets/:id/comments', { internal: false }, [['body', 'required']]],
    ])('POST %s with %j reports each once', async (path, body, expected) => {
      const response = await t.http
        .post(path.replace(':id', ticketId))
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .send(body)
        .expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const errors = response.body.errors as Array<{ field: string; rule: string; message: string }>;
      expect(errors.map((error) => [error.field, error.rule])).toEqual(expected);
      for (const error of errors) expect(error.message).toBe(`${error.field} is required`);
    });

    it('keeps type rules for a null value', async () => {
      const response = await post('{"title":null,"description":"d"}').expect(400);
      const rules = (response.body.errors as Array<{ field: string; rule: string }>).map((error) => error.rule);
      expect(rules).toContain('isString');
      expect(rules).not.toContain('required');
    });
  });
});
