import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TenantLabels } from './tenant-labels.js';

export interface MetricsOptions {
  /** Maximum number of tenants with their own label value; see TenantLabels. */
  tenantLabels: number;
  /** Adds prom-client's process and Node.js metrics (CPU, memory, event-loop delay, GC). */
  processMetrics?: boolean;
}

export interface ObservedRequest {
  method: string;
  /** The matched route pattern such as `/api/v1/tickets/:id`, never the raw path. */
  route: string;
  status: number;
  seconds: number;
  tenantSlug?: string;
}

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WAIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The Prometheus metrics of one API instance, in a registry of its own so that several
 * applications in one process (as in the tests) never share or clash over series. Labels hold
 * route patterns, status codes and bounded tenant slugs only, never ids or user input.
 */
export class MasalaMetrics {
  readonly registry = new Registry();
  private readonly tenants: TenantLabels;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly tenantRequests: Counter<'tenant' | 'status_class'>;
  private readonly rateLimitRejections: Counter<'tenant' | 'limiter'>;
  private readonly auditEntries: Counter<'tenant'>;
  private readonly loginFailures: Counter<'tenant'>;
  private readonly writeWait: Histogram;
  private inFlight: () => number = () => 0;

  constructor(options: MetricsOptions) {
    this.tenants = new TenantLabels(options.tenantLabels);
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'masala_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'masala_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.tenantRequests = new Counter({
      name: 'masala_tenant_http_requests_total',
      help: 'HTTP requests answered per tenant (bounded label set) and status class',
      labelNames: ['tenant', 'status_class'],
      registers,
    });
    this.rateLimitRejections = new Counter({
      name: 'masala_rate_limit_rejections_total',
      help: 'Requests rejected by a rate limit, per tenant and limiter',
      labelNames: ['tenant', 'limiter'],
      registers,
    });
    this.auditEntries = new Counter({
      name: 'masala_audit_entries_written_total',
      help: 'Audit log entries inserted, per tenant; counted at insert, so a rolled-back change is included',
      labelNames: ['tenant'],
      registers,
    });
    this.loginFailures = new Counter({
      name: 'masala_login_failures_total',
      help: 'Failed logins (wrong password, unknown, locked or disabled account), per tenant',
      labelNames: ['tenant'],
      registers,
    });
    this.writeWait = new Histogram({
      name: 'masala_db_write_wait_seconds',
      help: 'Time a write waited in the SQLite write queue before its transaction work began, in seconds',
      buckets: WAIT_BUCKETS,
      registers,
    });
    const inFlight = () => this.inFlight();
    new Gauge({
      name: 'masala_http_requests_in_flight',
      help: 'HTTP requests received and not yet answered',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest(request: ObservedRequest): void {
    const labels = { method: request.method, route: request.route, status: String(request.status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, request.seconds);
    const tenant = this.tenants.labelFor(request.tenantSlug);
    this.tenantRequests.inc({ tenant, status_class: `${Math.floor(request.status / 100)}xx` });
    if (request.status === 429) this.rateLimitRejections.inc({ tenant, limiter: 'http' });
  }

  /**
   * Counts a rate-limit rejection that is not answered with HTTP 429, such as a limit applied
   * to background work. Responses with status 429 are counted by `observeRequest` already.
   */
  recordRateLimitRejection(limiter: string, tenantSlug?: string): void {
    this.rateLimitRejections.inc({ tenant: this.tenants.labelFor(tenantSlug), limiter });
  }

  recordAuditEntry(tenantSlug?: string): void {
    this.auditEntries.inc({ tenant: this.tenants.labelFor(tenantSlug) });
  }

  recordLoginFailure(tenantSlug?: string): void {
    this.loginFailures.inc({ tenant: this.tenants.labelFor(tenantSlug) });
  }

  observeWriteWait(milliseconds: number): void {
    this.writeWait.observe(milliseconds / 1000);
  }

  /** Sets the source of the in-flight request gauge; the lifecycle tracker provides it. */
  countInFlightWith(source: () => number): void {
    this.inFlight = source;
  }
}
