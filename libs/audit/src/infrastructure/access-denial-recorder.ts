import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  CrossTenantAccessError,
  ErrorCode,
  MasalaException,
  RequestContext,
  TenantDatabase,
  TenantMismatchError,
  type Actor,
  type Principal,
} from '#kernel';
import {
  AccessDenialLimiter,
  DEFAULT_DENIAL_LIMITS,
  type DenialSource,
  type SuppressedDenials,
} from '../domain/access-denial-limiter.js';
import {
  AccessDeniedEvent,
  AccessDenialsSuppressedEvent,
  type AccessDenialDetails,
  type AccessDenialReason,
} from '../events/audit.events.js';

const ANONYMOUS: Actor = { type: 'system', id: 'anonymous', roles: [] };

/** The parts of an Express request that a denial entry needs. */
export interface RefusedRequest {
  method: string;
  baseUrl: string;
  route?: { path?: string };
  params?: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Records refused requests as `access.denied` entries in the requesting tenant's audit trail:
 *
 * - every 403 (`forbidden`, or `tenant_suspended`);
 * - `cross_tenant`: the tenant wall stopped a row or context of another tenant
 *   (CrossTenantAccessError, TenantMismatchError), answered as 404;
 * - `not_found`: an authenticated request on a route with parameters found nothing.
 *
 * A lookup miss is recorded without telling whether the id exists in another tenant. Finding that
 * out would mean reading another tenant's data, which the tenant wall and PostgreSQL row-level
 * security forbid, and in `database` tenancy it would mean opening every tenant's file. So probing
 * for foreign ids shows up as a run of `not_found` denials by one actor. Each tenant, actor and
 * route gets at most `maxPerWindow` entries per minute. Later denials are only counted, and one
 * summary entry (`summary: true`, `suppressed`) reports them when the window ends.
 */
@Injectable()
export class AccessDenialRecorder
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(AccessDenialRecorder.name);
  private readonly limiter = new AccessDenialLimiter(DEFAULT_DENIAL_LIMITS);
  private timer?: NodeJS.Timeout;

  constructor(private readonly database: TenantDatabase) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(false), DEFAULT_DENIAL_LIMITS.windowMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush(true);
  }

  /** Records the exception when it is a denial. A failed write is logged, not thrown, so the client still gets its response. */
  async recordIfDenied(exception: unknown, status: number, request: RefusedRequest): Promise<void> {
    const reason = denialReason(exception, status, request);
    const tenantId = RequestContext.find()?.tenantId;
    const routePath = request.route?.path;
    if (!reason || !tenantId || routePath === undefined) return;

    const details: AccessDenialDetails = {
      method: request.method,
      route: `${request.baseUrl}${routePath}`,
      status,
      reason,
      ...requestedId(request.params ?? {}),
    };
    const actor = request.principal?.actor ?? RequestContext.find()?.actor ?? ANONYMOUS;
    const source: DenialSource = { tenantId, actor, method: details.method, route: details.route };
    const { record, ended } = this.limiter.register(source);
    if (!record && ended.length === 0) return;

    try {
      await this.database.write(tenantId, async (unitOfWork) => {
        for (const summary of ended) await unitOfWork.emit(summaryEvent(summary));
        if (record) await unitOfWork.emit(new AccessDeniedEvent(tenantId, actor, details));
      });
    } catch (error) {
      this.logger.error({
        message: 'Failed to record a denied request',
        tenantId,
        error: String(error),
      });
    }
  }

  /** Writes the summaries of windows that have ended, or of every window when `all` is set. */
  async flush(all = true): Promise<void> {
    const byTenant = new Map<string, SuppressedDenials[]>();
    for (const summary of this.limiter.sweep(all)) {
      byTenant.set(summary.tenantId, [...(byTenant.get(summary.tenantId) ?? []), summary]);
    }
    for (const [tenantId, summaries] of byTenant) {
      try {
        await RequestContext.withTenant(tenantId, () =>
          this.database.write(tenantId, async (unitOfWork) => {
            for (const summary of summaries) await unitOfWork.emit(summaryEvent(summary));
          }),
        );
      } catch (error) {
        this.logger.error({
          message: 'Failed to record suppressed denials',
          tenantId,
          error: String(error),
        });
      }
    }
  }
}

function summaryEvent(summary: SuppressedDenials): AccessDenialsSuppressedEvent {
  const { tenantId, actor, ...details } = summary;
  return new AccessDenialsSuppressedEvent(tenantId, actor, details);
}

/** Picks the `:id` route parameter, or else the last parameter (`:commentId` after `:ticketId`). */
function requestedId(params: Record<string, string | string[] | undefined>): {
  requestedId?: string;
} {
  const value = params.id ?? Object.values(params).at(-1);
  const id = Array.isArray(value) ? value.join('/') : value;
  return id ? { requestedId: id.slice(0, 64) } : {};
}

function denialReason(
  exception: unknown,
  status: number,
  request: RefusedRequest,
): AccessDenialReason | undefined {
  if (exception instanceof CrossTenantAccessError || exception instanceof TenantMismatchError)
    return 'cross_tenant';
  if (status === 403) {
    return exception instanceof MasalaException && exception.code === ErrorCode.TenantSuspended
      ? 'tenant_suspended'
      : 'forbidden';
  }
  const lookupMiss =
    status === 404 &&
    exception instanceof MasalaException &&
    exception.code === ErrorCode.NotFound &&
    request.principal !== undefined &&
    Object.keys(request.params ?? {}).length > 0;
  return lookupMiss ? 'not_found' : undefined;
}
