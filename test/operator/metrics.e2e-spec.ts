import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MasalaMetrics } from '../../apps/api/src/metrics/masala-metrics.js';
import { MetricsServer } from '../../apps/api/src/metrics/metrics-server.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** Reads the value of one sample line, such as `name{labels} 3`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics with a bearer token', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_METRICS_TOKEN: TOKEN, MASALA_METRICS_TENANT_LABELS: '1' });
    const acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(globex, 'agent@globex.test', ['Employee']);
    token = await t.login('acme', 'agent@acme.test');
    for (const password of ['wrong-password-1', 'wrong-password-2']) {
      await t.http.post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email: 'agent@acme.test', password }).expect(401);
    }
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'globex')
      .send({ email: 'agent@globex.test', password: 'wrong-password-3' })
      .expect(401);
    await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Printer jam', description: 'Floor 2', customFields: { urgency: 'Low' } })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  const scrape = () => t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);

  it('rejects a scrape without the token', async () => {
    const response = await t.http.get('/metrics').expect(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
  });

  it('rejects a wrong token', async () => {
    await t.http.get('/metrics').set('Authorization', 'Bearer not-the-metrics-token-at-all').expect(401);
    await t.http.get('/metrics').set('Authorization', `Basic ${TOKEN}`).expect(401);
  });

  it('rejects a user access token', async () => {
    await t.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('serves the Prometheus text format', async () => {
    const response = await scrape();
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE masala_http_requests_total counter');
    expect(response.text).toContain('# TYPE masala_http_request_duration_seconds histogram');
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('counts requests by route pattern and status', async () => {
    const text = (await scrape()).text;
    expect(sample(text, 'masala_http_requests_total{method="POST",route="/api/v1/tickets",status="201"}')).toBe(1);
    expect(sample(text, 'masala_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"}')).toBe(3);
    expect(
      sample(text, 'masala_http_request_duration_seconds_count{method="POST",route="/api/v1/tickets",status="201"}'),
    ).toBe(1);
  });

  it('counts failed logins per bounded tenant label', async () => {
    const text = (await scrape()).text;
    expect(sample(text, 'masala_login_failures_total{tenant="acme"}')).toBe(2);
    expect(sample(text, 'masala_login_failures_total{tenant="_other"}')).toBe(1);
    expect(text).not.toContain('tenant="globex"');
  });

  it('counts audit entries and write waits', async () => {
    const text = (await scrape()).text;
    expect(sample(text, 'masala_audit_entries_written_total{tenant="acme"}')).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'masala_db_write_wait_seconds_count')).toBeGreaterThan(0);
  });

  it('never labels by raw path or id', async () => {
    await t.http.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`);
    await t.http.get('/no/such/route/secret-value');
    const text = (await scrape()).text;
    expect(text).toContain('route="/api/v1/tickets/:id"');
    expect(text).toContain('route="unmatched"');
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain(TEST_PASSWORD);
  });
});

describe('metrics without a token or port', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 404 and names the settings', async () => {
    const response = await t.http.get('/metrics').expect(404);
    expect(response.body.detail).toContain('MASALA_METRICS_TOKEN');
    expect(response.body.detail).toContain('MASALA_METRICS_PORT');
  });
});

describe('metrics on a separate port', () => {
  let t: TestApp;
  let server: MetricsServer | undefined;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_METRICS_PORT: '9464', MASALA_METRICS_TOKEN: TOKEN });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await t.close();
  });

  it('hides /metrics on the API port', async () => {
    await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });

  it('serves /metrics on the loopback listener', async () => {
    server = new MetricsServer(t.app.get(MasalaMetrics), { port: 0, host: '127.0.0.1' });
    const address = await server.start();
    expect(address.address).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${address.port}`;
    const ok = await fetch(`${base}/metrics`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('masala_http_requests_total');
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('checks the token on the listener too', async () => {
    server = new MetricsServer(t.app.get(MasalaMetrics), { port: 0, host: '127.0.0.1', token: TOKEN });
    const { port } = await server.start();
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });
});
