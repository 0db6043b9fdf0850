import type { Response } from 'supertest';
import type { AppRoute } from '../../support/routes.js';
import type { RunningDeployment } from './deployments.js';

/** Kinds of tenant resources a route parameter can name. */
export type ResourceKind = 'ticket' | 'comment' | 'attachment' | 'project' | 'user' | 'apiKey' | 'consent' | 'savedFilter';

/** Ids of the resources seeded for one tenant, by kind; the first id of a kind is the parent of nested ones. */
export type TenantResources = Record<ResourceKind, string[]>;

export interface SeededTenant {
  slug: string;
  id: string;
  adminToken: string;
  customerToken: string;
  resources: TenantResources;
}

/** The noun before a `:id` parameter, or the stem of a `:xId` parameter, mapped to its resource kind. */
const KIND_BY_NOUN: Record<string, ResourceKind> = {
  tickets: 'ticket',
  'work-items': 'ticket',
  ticket: 'ticket',
  comments: 'comment',
  comment: 'comment',
  attachments: 'attachment',
  attachment: 'attachment',
  projects: 'project',
  'work-containers': 'project',
  project: 'project',
  users: 'user',
  user: 'user',
  subjects: 'user',
  'api-keys': 'apiKey',
  apiKey: 'apiKey',
  consents: 'consent',
  consent: 'consent',
  'saved-filters': 'savedFilter',
  savedFilter: 'savedFilter',
};

/** Returns the resource kind a route parameter names, or undefined when the test does not know it. */
export function kindOfParameter(path: string, parameter: string): ResourceKind | undefined {
  const segments = path.split('/').filter(Boolean);
  const position = segments.indexOf(`:${parameter}`);
  const noun = parameter === 'id' ? segments[position - 1] ?? '' : parameter.replace(/Id$/, '');
  return KIND_BY_NOUN[noun];
}

export function parametersOf(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

function routeExists(routes: readonly AppRoute[], method: AppRoute['method'], path: string): boolean {
  return routes.some((route) => route.method === method && route.path === path);
}

function createdId(response: Response, what: string): string {
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`Seeding ${what} failed with ${response.status}: ${response.text.slice(0, 300)}`);
  }
  return (response.body as { id: string }).id;
}

/**
 * Creates one tenant's users and, through the API, one resource of every kind whose creation
 * route the application serves: tickets, a comment, an attachment, a project, an API key, a
 * saved filter, a user and a consent.
 */
export async function seedTenant(
  d: RunningDeployment,
  slug: string,
  routes: readonly AppRoute[],
): Promise<SeededTenant> {
  const resources: TenantResources = {
    ticket: [],
    comment: [],
    attachment: [],
    project: [],
    user: [],
    apiKey: [],
    consent: [],
    savedFilter: [],
  };
  resources.user.push(await d.createUser(slug, `admin@${slug}.test`, ['Admin', 'ComplianceOfficer']));
  resources.user.push(await d.createUser(slug, `agent@${slug}.test`, ['Employee']));
  resources.user.push(await d.createUser(slug, `customer@${slug}.test`, ['Customer']));
  const adminToken = await d.login(slug, `admin@${slug}.test`);
  const customerToken = await d.login(slug, `customer@${slug}.test`);
  const as = (token: string, method: 'post' | 'patch', path: string) =>
    d.http(slug)[method](path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`);

  for (const title of ['Printer jam', 'VPN down']) {
    const response = await as(adminToken, 'post', '/api/v1/tickets').send({
      title: `${title} at ${slug}`,
      description: 'seeded',
      customFields: { urgency: 'Low' },
    });
    resources.ticket.push(createdId(response, 'a ticket'));
  }
  const ticketId = resources.ticket[0]!;

  if (routeExists(routes, 'post', '/api/v1/tickets/:ticketId/comments')) {
    const response = await as(adminToken, 'post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'first note' });
    resources.comment.push(createdId(response, 'a comment'));
  }
  if (routeExists(routes, 'post', '/api/v1/tickets/:ticketId/attachments')) {
    const response = await d
      .http(slug)
      .post(`/api/v1/tickets/${ticketId}/attachments`)
      .set('X-Tenant-ID', slug)
      .set('Authorization', `Bearer ${adminToken}`)
      .attach('file', Buffer.from(`notes of ${slug}\n`), 'notes.txt');
    resources.attachment.push(createdId(response, 'an attachment'));
  }
  if (routeExists(routes, 'post', '/api/v1/projects')) {
    const response = await as(adminToken, 'post', '/api/v1/projects').send({ name: `Rollout at ${slug}` });
    resources.project.push(createdId(response, 'a project'));
  }
  if (routeExists(routes, 'post', '/api/v1/api-keys')) {
    const response = await as(adminToken, 'post', '/api/v1/api-keys').send({ name: 'integration', permissions: ['tickets.read'] });
    resources.apiKey.push(createdId(response, 'an API key'));
  }
  if (routeExists(routes, 'post', '/api/v1/saved-filters')) {
    const response = await as(adminToken, 'post', '/api/v1/saved-filters').send({ name: 'open', criteria: { status: 'NEW' } });
    resources.savedFilter.push(createdId(response, 'a saved filter'));
  }
  if (routeExists(routes, 'post', '/api/v1/compliance/consents')) {
    const response = await as(customerToken, 'post', '/api/v1/compliance/consents').send({
      purpose: 'notification_emails',
      granted: true,
      policyVersion: '1',
    });
    resources.consent.push(createdId(response, 'a consent record'));
  }

  return { slug, id: d.tenant(slug).id, adminToken, customerToken, resources };
}

/** A multipart upload with one small file in the field `file`, in place of a JSON body. */
export const FILE_UPLOAD = 'file upload';

/** Bodies that pass validation on the mutating routes, so a request reaches its lookup. */
export const VALID_BODIES: Record<string, Record<string, unknown> | typeof FILE_UPLOAD> = {
  'post /api/v1/tickets/:ticketId/attachments': FILE_UPLOAD,
  'patch /api/v1/tickets/:id': { title: 'renamed' },
  'post /api/v1/tickets/:id/transitions': { to: 'IN_PROGRESS' },
  'post /api/v1/tickets/:id/assignment': { assigneeId: null },
  'post /api/v1/tickets/:ticketId/comments': { body: 'a note' },
  'patch /api/v1/tickets/:ticketId/comments/:commentId': { body: 'edited' },
  'patch /api/v1/projects/:id': { name: 'renamed' },
  'post /api/v1/projects/:id/tickets': { ticketId: '00000000-0000-4000-8000-000000000000' },
  'patch /api/v1/users/:id': { displayName: 'Renamed' },
  'patch /api/v1/saved-filters/:id': { name: 'renamed' },
  'post /api/v1/users/:id/invitation': {},
  'post /api/v1/compliance/subjects/:userId/erasure': {},
};

/** Maps the `/work-items` and `/work-containers` aliases to the route whose body they share. */
export function bodyFor(route: AppRoute): Record<string, unknown> | typeof FILE_UPLOAD | undefined {
  const canonical = route.path.replace('/work-items', '/tickets').replace('/work-containers', '/projects');
  return VALID_BODIES[`${route.method} ${canonical}`];
}
