import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_CUSTOM_FIELDS, MAX_CUSTOM_FIELD_TEXT_LENGTH, MAX_PAGE_SIZE } from '#kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MAX_HEADER_BYTES = 4096;
const MAX_ATTACHMENT_BYTES = 2048;

/** Sends a GET with the given headers and resolves with the status, for headers supertest cannot send. */
function statusWithHeaders(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path: '/api/v1/tickets', headers },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('resource limits', () => {
  let t: TestApp;
  let token: string;
  let port: number;
  let ticketId: string;

  const post = (path: string) =>
    t.http.post(path).set('X-Tenant-ID', 'limits').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
      MASALA_MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT_BYTES),
    });
    const tenant = await t.createTenant('limits');
    await t.createUser(tenant, 'agent@limits.test', ['Employee']);
    token = await t.login('limits', 'agent@limits.test');
    const created = await post('/api/v1/tickets')
      .send({ title: 'Limits', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    ticketId = created.body.id as string;
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
  });

  it('rejects a JSON body over 256 KiB with 413', async () => {
    const response = await post('/api/v1/tickets')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'big', description: 'd'.repeat(300 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('rejects headers over the configured limit with 431', async () => {
    const response = await statusWithHeaders(port, {
      'X-Filler': 'h'.repeat(MAX_HEADER_BYTES * 2),
    });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toMatchObject({ status: 431 });
    const small = await statusWithHeaders(port, {
      'X-Tenant-ID': 'limits',
      'X-Filler': 'h'.repeat(MAX_HEADER_BYTES / 4),
    });
    expect(small.status).toBe(401);
  });

  it('rejects a page size over the maximum', async () => {
    const response = await t.http
      .get(`/api/v1/tickets?limit=${MAX_PAGE_SIZE + 1}`)
      .set('X-Tenant-ID', 'limits')
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'limit', rule: 'max' })]),
    );
  });

  it('rejects a title over its maximum length', async () => {
    const response = await post('/api/v1/tickets')
      .send({ title: 't'.repeat(501), description: 'x' })
      .expect(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'title', rule: 'maxLength' })]),
    );
  });

  it('rejects a description over its maximum length', async () => {
    const response = await post('/api/v1/tickets')
      .send({ title: 'long', description: 'd'.repeat(20_001) })
      .expect(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'description', rule: 'maxLength' }),
      ]),
    );
  });

  it('rejects a comment over its maximum length', async () => {
    const response = await post(`/api/v1/tickets/${ticketId}/comments`).send({
      body: 'c'.repeat(100_001),
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body');
  });

  it('rejects too many custom fields with one error', async () => {
    const customFields = Object.fromEntries(
      Array.from({ length: MAX_CUSTOM_FIELDS + 1 }, (_, index) => [`field_${index}`, 'x']),
    );
    const response = await post('/api/v1/tickets')
      .send({ title: 'many', description: 'x', customFields })
      .expect(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'customFields', rule: 'limits' }),
    ]);
  });

  it('rejects a custom field text over its maximum length', async () => {
    const customFields = {
      urgency: 'Low',
      os_version: 'v'.repeat(MAX_CUSTOM_FIELD_TEXT_LENGTH + 1),
    };
    const response = await post('/api/v1/tickets')
      .send({ title: 'long field', description: 'x', customFields })
      .expect(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'customFields', rule: 'limits' }),
    ]);
  });

  it('rejects deeply nested JSON without a server error', async () => {
    const depth = 20_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const response = await post('/api/v1/tickets')
      .set('Content-Type', 'application/json')
      .send(`{"title":"deep","description":"x","customFields":{"urgency":${nested}}}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('rejects an attachment over the configured size with 413', async () => {
    const response = await post(`/api/v1/tickets/${ticketId}/attachments`).attach(
      'file',
      Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 'a'),
      {
        filename: 'big.txt',
        contentType: 'text/plain',
      },
    );
    expect(response.status).toBe(413);
    expect(response.body.status).toBe(413);
  });

  it('accepts an attachment within the size', async () => {
    const response = await post(`/api/v1/tickets/${ticketId}/attachments`).attach(
      'file',
      Buffer.from('small file\n'),
      {
        filename: 'small.txt',
        contentType: 'text/plain',
      },
    );
    expect(response.status).toBe(201);
  });

  it('keeps serving after every rejection', async () => {
    await t.http.get('/health/live').expect(200);
  });
});
