import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { listRoutes } from '../support/routes.js';
import { availableDeployments, startDeployment, type RunningDeployment } from './support/deployments.js';

const TENANTS = ['acme', 'globex', 'initech'] as const;
type Slug = (typeof TENANTS)[number];
type Role = 'agent' | 'customer' | 'admin';

const RUNS = Number(process.env.MASALA_PROPERTY_RUNS ?? 50);
const SEED = process.env.MASALA_PROPERTY_SEED === undefined ? undefined : Number(process.env.MASALA_PROPERTY_SEED);

type Action =
  | { kind: 'create'; tenant: Slug; role: Role; title: string }
  | { kind: 'list'; tenant: Slug; role: Role; limit: number }
  | { kind: 'get'; tenant: Slug; role: Role; pick: number }
  | { kind: 'comment'; tenant: Slug; role: Role; pick: number }
  | { kind: 'comments'; tenant: Slug; role: Role; pick: number }
  | { kind: 'transition'; tenant: Slug; pick: number }
  | { kind: 'me'; tenant: Slug; role: Role }
  | { kind: 'audit'; tenant: Slug };

const tenant = fc.constantFrom(...TENANTS);
const role = fc.constantFrom<Role>('agent', 'customer', 'admin');
const pick = fc.nat({ max: 1000 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), tenant, role, title: fc.string({ minLength: 1, maxLength: 30 }) }),
  fc.record({ kind: fc.constant('list' as const), tenant, role, limit: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('get' as const), tenant, role, pick }),
  fc.record({ kind: fc.constant('comment' as const), tenant, role, pick }),
  fc.record({ kind: fc.constant('comments' as const), tenant, role, pick }),
  fc.record({ kind: fc.constant('transition' as const), tenant, pick }),
  fc.record({ kind: fc.constant('me' as const), tenant, role }),
  fc.record({ kind: fc.constant('audit' as const), tenant }),
);
/** Each step sends up to four requests at once, from users of any tenants. */
const steps = fc.array(fc.array(action, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

/**
 * The test's record of which tenant owns every id it has seen, and of the ids each tenant's users
 * sent themselves. A request for a foreign id is recorded in the sender's own audit trail, so the
 * sender may see that id again.
 */
class Model {
  readonly owner = new Map<string, Slug>();
  readonly tickets: string[] = [];
  readonly sentBy = new Map<Slug, Set<string>>(TENANTS.map((slug) => [slug, new Set<string>()]));

  own(id: string, slug: Slug): void {
    this.owner.set(id, slug);
  }

  addTicket(id: string, slug: Slug): void {
    this.own(id, slug);
    this.tickets.push(id);
  }

  ticket(index: number): string | undefined {
    return this.tickets.length === 0 ? undefined : this.tickets[index % this.tickets.length];
  }

  /** Ids of other tenants that the caller's tenant has neither created nor sent. */
  foreignIds(slug: Slug): string[] {
    const sent = this.sentBy.get(slug)!;
    return [...this.owner].filter(([id, owner]) => owner !== slug && !sent.has(id)).map(([id]) => id);
  }
}

const deployments = await availableDeployments('interleaved tenant requests', ['shared', 'database', 'postgres']);

describe.each(deployments)('interleaved tenant requests: $label', (deployment) => {
  let d: RunningDeployment;
  let hasComments = false;
  const tokens = new Map<string, string>();
  const model = new Model();

  beforeAll(async () => {
    d = await startDeployment(deployment, [...TENANTS], { MASALA_RATE_LIMIT_PER_MINUTE: '10000000' });
    hasComments = listRoutes(d.app('acme').app).some((route) => route.path === '/api/v1/tickets/:ticketId/comments');
    for (const slug of TENANTS) {
      model.own(d.tenant(slug).id, slug);
      for (const [name, roles] of [
        ['agent', ['Employee']],
        ['customer', ['Customer']],
        ['admin', ['Admin']],
      ] as const) {
        model.own(await d.createUser(slug, `${name}@${slug}.test`, [...roles]), slug);
        tokens.set(`${slug}:${name}`, await d.login(slug, `${name}@${slug}.test`));
      }
    }
  }, 120_000);

  afterAll(async () => {
    await d?.close();
  });

  const as = (slug: Slug, who: Role, method: 'get' | 'post', path: string) =>
    d.http(slug)[method](path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${tokens.get(`${slug}:${who}`)}`);

  async function send(step: Action): Promise<{ response?: Response; target?: string }> {
    switch (step.kind) {
      case 'create': {
        const body = { title: step.title.trim() || 'untitled', description: 'property run', customFields: { urgency: 'Low' } };
        return { response: await as(step.tenant, step.role, 'post', '/api/v1/tickets').send(body) };
      }
      case 'list':
        return { response: await as(step.tenant, step.role, 'get', `/api/v1/tickets?limit=${step.limit}`) };
      case 'get':
      case 'comment':
      case 'comments':
      case 'transition': {
        const target = model.ticket(step.pick);
        if (!target) return {};
        if (step.kind === 'get') return { target, response: await as(step.tenant, step.role, 'get', `/api/v1/tickets/${target}`) };
        if (step.kind === 'transition') {
          const path = `/api/v1/tickets/${target}/transitions`;
          return { target, response: await as(step.tenant, 'agent', 'post', path).send({ to: 'IN_PROGRESS' }) };
        }
        if (!hasComments) return {};
        const path = `/api/v1/tickets/${target}/comments`;
        if (step.kind === 'comments') return { target, response: await as(step.tenant, step.role, 'get', path) };
        return { target, response: await as(step.tenant, step.role, 'post', path).send({ body: 'property note' }) };
      }
      case 'me':
        return { response: await as(step.tenant, step.role, 'get', '/api/v1/me') };
      case 'audit':
        return { response: await as(step.tenant, 'admin', 'get', '/api/v1/audit?limit=50') };
    }
  }

  /** Returns every way the response shows data of another tenant; records what it created. */
  function check(step: Action, response: Response, target: string | undefined): string[] {
    const problems: string[] = [];
    const text = response.text ?? '';
    if (response.status >= 500) problems.push(`${step.kind} answered ${response.status}: ${text.slice(0, 200)}`);
    for (const id of model.foreignIds(step.tenant)) {
      if (text.includes(id)) problems.push(`${step.kind} by ${step.tenant} returned ${model.owner.get(id)}'s id ${id}`);
    }
    if (target && model.owner.get(target) !== step.tenant && response.status !== 404) {
      problems.push(`${step.kind} of ${model.owner.get(target)}'s ticket by ${step.tenant} answered ${response.status}`);
    }
    if (step.kind === 'list' && response.status === 200) {
      for (const item of (response.body as { data: Array<{ id: string }> }).data) {
        if (model.owner.get(item.id) !== step.tenant) problems.push(`list by ${step.tenant} contains ticket ${item.id}`);
      }
    }
    if (step.kind === 'create' && response.status === 201) model.addTicket((response.body as { id: string }).id, step.tenant);
    if (step.kind === 'comment' && response.status === 201) model.own((response.body as { id: string }).id, step.tenant);
    return problems;
  }

  it('returns only the caller tenant rows', async () => {
    const result = await fc.check(
      fc.asyncProperty(steps, async (batches) => {
        for (const batch of batches) {
          // Targets are chosen before the batch runs, so a request may name a ticket of any tenant.
          for (const step of batch) {
            const target = 'pick' in step ? model.ticket(step.pick) : undefined;
            if (target) model.sentBy.get(step.tenant)!.add(target);
          }
          const sent = await Promise.all(batch.map((step) => send(step)));
          const problems = batch.flatMap((step, index) => {
            const { response, target } = sent[index]!;
            return response ? check(step, response, target) : [];
          });
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (result.failed) {
      const message =
        `Tenant isolation failed at run path ${result.counterexamplePath}; replay every run in the ` +
        `same order with MASALA_PROPERTY_SEED=${result.seed}:\n${String(result.errorInstance)}`;
      process.stderr.write(`${message}\n`);
      throw new Error(message);
    }
    expect(model.tickets.length).toBeGreaterThan(0);
  }, 300_000);
});
