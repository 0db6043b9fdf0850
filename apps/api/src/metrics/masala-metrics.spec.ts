import { describe, expect, it } from '@jest/globals';
import { MasalaMetrics } from './masala-metrics.js';
import { NO_TENANT_LABEL, OTHER_TENANT_LABEL, TenantLabels } from './tenant-labels.js';

describe('TenantLabels', () => {
  it('keeps the first tenants and folds the rest', () => {
    const labels = new TenantLabels(2);
    expect(labels.labelFor('acme')).toBe('acme');
    expect(labels.labelFor('globex')).toBe('globex');
    expect(labels.labelFor('initech')).toBe(OTHER_TENANT_LABEL);
    expect(labels.labelFor('acme')).toBe('acme');
    expect(labels.labelFor(undefined)).toBe(NO_TENANT_LABEL);
  });

  it('folds every tenant when the limit is zero', () => {
    expect(new TenantLabels(0).labelFor('acme')).toBe(OTHER_TENANT_LABEL);
  });
});

describe('MasalaMetrics', () => {
  const metrics = () => new MasalaMetrics({ tenantLabels: 1, processMetrics: false });

  it('counts requests by route and status', async () => {
    const subject = metrics();
    subject.observeRequest({ method: 'GET', route: '/api/v1/tickets/:id', status: 200, seconds: 0.02, tenantSlug: 'acme' });
    subject.observeRequest({ method: 'GET', route: '/api/v1/tickets/:id', status: 404, seconds: 0.01, tenantSlug: 'acme' });
    const text = await subject.render();
    expect(text).toContain('masala_http_requests_total{method="GET",route="/api/v1/tickets/:id",status="200"} 1');
    expect(text).toContain('masala_http_requests_total{method="GET",route="/api/v1/tickets/:id",status="404"} 1');
    expect(text).toContain(
      'masala_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/api/v1/tickets/:id",status="200"} 1',
    );
    expect(text).toContain('masala_tenant_http_requests_total{tenant="acme",status_class="2xx"} 1');
  });

  it('counts 429 responses as rate-limit rejections', async () => {
    const subject = metrics();
    subject.observeRequest({ method: 'POST', route: '/api/v1/tickets', status: 429, seconds: 0.001, tenantSlug: 'acme' });
    subject.recordRateLimitRejection('export', 'globex');
    const text = await subject.render();
    expect(text).toContain('masala_rate_limit_rejections_total{tenant="acme",limiter="http"} 1');
    expect(text).toContain(`masala_rate_limit_rejections_total{tenant="${OTHER_TENANT_LABEL}",limiter="export"} 1`);
  });

  it('records write waits in seconds', async () => {
    const subject = metrics();
    subject.observeWriteWait(3);
    const text = await subject.render();
    expect(text).toContain('masala_db_write_wait_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('masala_db_write_wait_seconds_count 1');
  });

  it('reads the in-flight gauge from its source', async () => {
    const subject = metrics();
    subject.countInFlightWith(() => 3);
    expect(await subject.render()).toContain('masala_http_requests_in_flight 3');
  });

  it('keeps registries of two instances apart', async () => {
    const first = metrics();
    const second = metrics();
    first.recordLoginFailure('acme');
    expect(await first.render()).toContain('masala_login_failures_total{tenant="acme"} 1');
    expect(await second.render()).not.toContain('masala_login_failures_total{tenant="acme"}');
  });
});
