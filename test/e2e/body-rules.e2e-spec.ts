import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';

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

  /** Sends bytes unchanged, because superagent would serialise a Buffer as JSON. */
  const postBytes = (bytes: Buffer) =>
    t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .serialize((body: unknown) => body as string)
      .send(bytes);

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

  describe('body media types', () => {
    const ticketJson = '{"title":"Typed","description":"d","customFields":{"urgency":"Low"}}';
    const loginJson = JSON.stringify({ email: 'agent@acme.test', password: TEST_PASSWORD });
    const expect415 = (response: { body: { errors: unknown }; headers: Record<string, string> }) => {
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers.accept).toBe('application/json, application/*+json');
      expect(response.body.errors).toEqual([
        expect.objectContaining({ field: 'content-type', rule: 'unsupported_media_type' }),
      ]);
    };

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'])(
      'rejects a ticket sent as %s',
      async (contentType) => {
        const response = await t.http
          .post('/api/v1/tickets')
          .set('X-Tenant-ID', 'acme')
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', contentType)
          .send(ticketJson)
          .expect(415);
        expect415(response);
        expect(response.body.errors[0].message).toContain(contentType.split(';')[0]);
      },
    );

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('rejects a login sent as %s', async (contentType) => {
      const response = await t.http
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', 'acme')
        .set('Content-Type', contentType)
        .send(loginJson)
        .expect(415);
      expect415(response);
    });

    it('rejects a body without Content-Type', async () => {
      const response = await postBytes(Buffer.from(ticketJson)).unset('Content-Type').expect(415);
      expect415(response);
      expect(response.body.errors[0].message).toContain('Content-Type is missing');
    });

    it('stores nothing for a rejected body', async () => {
      await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'text/plain')
        .send('{"title":"Never stored","description":"d","customFields":{"urgency":"Low"}}')
        .expect(415);
      const found = await t.http
        .get('/api/v1/tickets?q=Never%20stored')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(found.body.data).toEqual([]);
    });

    it('checks credentials before the media type', async () => {
      await t.http.post('/api/v1/tickets').set('X-Tenant-ID', 'acme').set('Content-Type', 'text/plain').send(ticketJson).expect(401);
    });

    it('accepts a +json media type', async () => {
      await post(ticketJson).set('Content-Type', 'application/vnd.masala+json').expect(201);
    });

    it('ignores the type of an empty body', async () => {
      const emptyBody = await t.http
        .get('/api/v1/me')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'text/plain')
        .set('Content-Length', '0')
        .expect(200);
      expect(emptyBody.body.email).toBe('agent@acme.test');
    });

    it('accepts multipart on the upload route only', async () => {
      const created = await post(ticketJson).expect(201);
      const attachments = `/api/v1/tickets/${created.body.id}/attachments`;
      const uploaded = await t.http
        .post(attachments)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .attach('file', Buffer.from('plain text notes'), 'notes.txt')
        .expect(201);
      expect(uploaded.body.id).toBeDefined();
      const json = await t.http
        .post(attachments)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .send({ file: 'x' })
        .expect(415);
      expect(json.headers.accept).toBe('multipart/form-data');
      expect(json.body.errors).toEqual([expect.objectContaining({ field: 'content-type', rule: 'unsupported_media_type' })]);
    });
  });

  describe('content codings', () => {
    const ticketJson = '{"title":"Compressed","description":"d","customFields":{"urgency":"Low"}}';
    const postEncoded = (coding: string, bytes: Buffer) => postBytes(bytes).set('Content-Encoding', coding);

    it.each([
      ['gzip', gzipSync(ticketJson)],
      ['deflate', deflateSync(ticketJson)],
      ['br', brotliCompressSync(ticketJson)],
    ])('accepts a %s body', async (coding, bytes) => {
      const created = await postEncoded(coding, bytes).expect(201);
      expect(created.body.title).toBe('Compressed');
    });

    it.each([
      ['gzip', Buffer.from('not gzip at all')],
      ['gzip', gzipSync(ticketJson).subarray(0, 20)],
      ['deflate', Buffer.from('not deflate')],
      ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ])('names the coding of a broken %s body', async (coding, bytes) => {
      const response = await postEncoded(coding, bytes).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'content-encoding', rule: 'decoding' })]);
      expect(response.body.errors[0].message).toContain(coding);
    });

    it('rejects an unknown coding with 415', async () => {
      const response = await postEncoded('compress', Buffer.from(ticketJson)).expect(415);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ field: 'content-encoding', rule: 'unsupported_encoding' }),
      ]);
    });

    it('rejects a non-UTF charset with 415', async () => {
      const response = await post(ticketJson).set('Content-Type', 'application/json; charset=latin1').expect(415);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'content-type', rule: 'charset' })]);
    });

    it('names the body when it is too large', async () => {
      const response = await post(`{"title":"${'a'.repeat(300 * 1024)}","description":"d"}`).expect(413);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'max_bytes' })]);
    });
  });

  describe('raw UTF-8', () => {
    const withTitleBytes = (marker: string, bytes: number[]) =>
      Buffer.concat([
        Buffer.from(`{"title":"${marker} `),
        Buffer.from(bytes),
        Buffer.from('","description":"d","customFields":{"urgency":"Low"}}'),
      ]);
    const search = async (marker: string) => {
      const found = await t.http
        .get(`/api/v1/tickets?q=${marker}`)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      return found.body.data as Array<{ title: string }>;
    };

    it.each([
      ['bytes FF FE', 'rawinvalidff', [0xff, 0xfe]],
      ['an overlong slash', 'rawoverlong', [0xc0, 0xaf]],
      ['a surrogate encoded as UTF-8', 'rawsurrogate', [0xed, 0xa0, 0x80]],
      ['a truncated sequence', 'rawtruncated', [0xe2, 0x82]],
    ])('rejects %s and stores nothing', async (_case, marker, bytes) => {
      const response = await postBytes(withTitleBytes(marker, bytes)).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'utf8' })]);
      expect(await search(marker)).toEqual([]);
    });

    it('rejects invalid bytes inside a gzip body', async () => {
      const response = await postBytes(gzipSync(withTitleBytes('rawgzip', [0xff]))).set('Content-Encoding', 'gzip').expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'utf8' })]);
    });

    it('stores valid multibyte text as sent', async () => {
      const created = await postBytes(withTitleBytes('rawvalid', [...Buffer.from('café \u{1F600}')])).expect(201);
      expect(created.body.title).toBe('rawvalid café \u{1F600}');
    });

    it('rejects a UTF-16 charset with 415', async () => {
      const body = Buffer.from('{"title":"utf16","description":"d"}', 'utf16le');
      const response = await postBytes(body).set('Content-Type', 'application/json; charset=utf-16le').expect(415);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'content-type', rule: 'charset' })]);
    });
  });
});
