import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HSTS_MAX_AGE_SECONDS } from '../../apps/api/src/http/security.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Headers = Record<string, string | string[] | undefined>;

/** Sends one raw request and returns the status, headers and body, for what supertest cannot send. */
function rawRequest(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path: '/api/v1/tickets', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function expectSecurityHeaders(headers: Headers): void {
  expect(headers['strict-transport-security']).toBe(
    `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  );
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['content-security-policy']).toContain("default-src 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    await t.createTenant('headers');
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
  });

  it('sets them on a successful response', async () => {
    const response = await t.http.get('/health/live').expect(200);
    expectSecurityHeaders(response.headers);
  });

  it('sets them on an unknown route', async () => {
    const response = await t.http.get('/api/v1/no-such-route').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expectSecurityHeaders(response.headers);
  });

  it('sets them on an authentication error', async () => {
    const response = await t.http.get('/api/v1/tickets').set('X-Tenant-ID', 'headers').expect(401);
    expectSecurityHeaders(response.headers);
  });

  it('sets them on a rejected body', async () => {
    const response = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'headers')
      .set('Content-Type', 'application/json')
      .send(`{"email":"${'a'.repeat(300 * 1024)}"}`)
      .expect(413);
    expect(response.body.status).toBe(413);
    expectSecurityHeaders(response.headers);
  });

  it('answers oversized headers with a 431 problem', async () => {
    const response = await rawRequest(port, {
      'X-Tenant-ID': 'headers',
      'X-Filler': 'a'.repeat(20 * 1024),
    });
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({
      status: 431,
      type: 'urn:ticket-masala:problem:header_too_large',
    });
    expect(response.headers['strict-transport-security']).toBe(
      `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    );
  });

  it('keeps serving after oversized headers', async () => {
    await rawRequest(port, { 'X-Filler': 'b'.repeat(64 * 1024) });
    const response = await rawRequest(port, { 'X-Tenant-ID': 'headers' });
    expect(response.status).toBe(401);
  });
});
