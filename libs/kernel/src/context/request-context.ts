import { AsyncLocalStorage } from 'node:async_hooks';

/** Who performs an action: a signed-in user, a machine client with an API key, or the platform. */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string;
  roles: readonly string[];
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: 'system', roles: [] });

/** Per-request state carried through AsyncLocalStorage, so singletons such as TypeORM subscribers see it. */
export interface RequestContextState {
  correlationId: string;
  tenantId?: string;
  tenantSlug?: string;
  actor?: Actor;
  ip?: string;
  userAgent?: string;
  /** Set for operator work (CLI, migrations) that may touch rows of the tenant it names. */
  system?: boolean;
}

const storage = new AsyncLocalStorage<RequestContextState>();

export class MissingRequestContextError extends Error {
  constructor(what: string) {
    super(`No request context is active (needed: ${what}); enter one with RequestContext.run()`);
  }
}

/**
 * Accessors for the request context. The strict accessors throw when no context is active, so code
 * that forgot to enter one fails loudly instead of running as "no tenant".
 */
export const RequestContext = {
  run<T>(state: RequestContextState, work: () => T): T {
    return storage.run(state, work);
  },

  current(): RequestContextState {
    const state = storage.getStore();
    if (!state) throw new MissingRequestContextError('request state');
    return state;
  },

  find(): RequestContextState | undefined {
    return storage.getStore();
  },

  tenantId(): string {
    const tenantId = RequestContext.current().tenantId;
    if (!tenantId) throw new MissingRequestContextError('tenant');
    return tenantId;
  },

  /** Runs `work` as the given tenant, keeping correlation id and client details of the outer context. */
  withTenant<T>(tenantId: string, work: () => T, extra: Partial<RequestContextState> = {}): T {
    const outer = storage.getStore();
    return storage.run(
      { correlationId: outer?.correlationId ?? crypto.randomUUID(), ...outer, ...extra, tenantId },
      work,
    );
  },
};
