import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { PERMISSIONS } from '#kernel';
import { nestRoutes } from '../identity/support/route-table.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** Lists every route the Express router serves, as `<verb> <OpenAPI path>`, without the docs routes. */
function servedRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const routes = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((method) => layer.route!.methods[method]);
    // Nest binds middleware as routes for every method; a handler's route has exactly one.
    if (methods.length !== 1) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    if (path.startsWith('/api/docs')) continue;
    routes.add(`${methods[0]} ${path}`);
  }
  return [...routes].sort();
}

function operations(document: OpenAPIObject): Array<{ key: string; path: string; operation: OperationObject }> {
  const result: Array<{ key: string; path: string; operation: OperationObject }> = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const verb of VERBS) {
      const operation = item[verb];
      if (operation) result.push({ key: `${verb} ${path}`, path, operation });
    }
  }
  return result;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    const response = await t.http.get('/api/docs-json').expect(200);
    document = response.body as OpenAPIObject;
  });

  afterAll(async () => {
    await t.close();
  });

  it('passes swagger-parser validation', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.openapi).toMatch(/^3\./);
  });

  it('lists every served route', () => {
    const documented = new Set(operations(document).map((entry) => entry.key));
    const served = servedRoutes(t);
    expect(served.length).toBeGreaterThan(10);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('names the permission of every operation', () => {
    const allowed = new Set<string>([...PERMISSIONS, 'public', 'authenticated']);
    for (const { key, operation } of operations(document)) {
      const permission = (operation as { 'x-permission'?: string })['x-permission'];
      expect({ key, permission, allowed: allowed.has(permission ?? '') }).toEqual({ key, permission, allowed: true });
      expect(operation.description ?? '').not.toBe('');
    }
    const create = document.paths['/api/v1/tickets']!.post!;
    expect((create as { 'x-permission'?: string })['x-permission']).toBe('tickets.create');
    expect(create.description).toContain('`tickets.create`');
  });

  it('names the permission each route declares', () => {
    const declared = new Map(
      nestRoutes(t.app).map((route) => [`${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`, route.access]),
    );
    const documented = operations(document);
    expect(documented.length).toBeGreaterThan(10);
    for (const { key, operation } of documented) {
      const permission = (operation as { 'x-permission'?: string })['x-permission'];
      expect({ key, permission }).toEqual({ key, permission: declared.get(key) });
    }
    for (const path of ['/api/v1/tickets/{id}', '/api/v1/work-items/{id}']) {
      expect((document.paths[path]!.delete as { 'x-permission'?: string })['x-permission']).toBe('tickets.delete');
    }
  });

  it('documents the permission the delete enforces', async () => {
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    const token = await t.login('acme', 'agent@acme.test');
    const created = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Keep me', description: 'd', customFields: { urgency: 'Low' } })
      .expect(201);
    const response = await t.http
      .delete(`/api/v1/tickets/${created.body.id}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .expect(403);
    const operation = document.paths['/api/v1/tickets/{id}']!.delete! as { 'x-permission'?: string };
    expect(response.body.requiredPermission).toBe(operation['x-permission']);
  });

  it('documents If-Match where routes read it', () => {
    const update = document.paths['/api/v1/tickets/{id}']!.patch!;
    const updateParameters = JSON.stringify(update.parameters);
    expect(updateParameters).toContain('#/components/parameters/IfMatchRequired');
    expect(update.responses['412']).toEqual({ $ref: '#/components/responses/PreconditionFailed' });
    expect(update.responses['428']).toEqual({ $ref: '#/components/responses/PreconditionRequired' });

    const transition = document.paths['/api/v1/tickets/{id}/transitions']!.post!;
    expect(JSON.stringify(transition.parameters)).toContain('#/components/parameters/IfMatch"');
    expect(transition.responses['412']).toBeDefined();
    expect(transition.responses['428']).toBeUndefined();

    const required = document.components!.parameters!['IfMatchRequired'] as { name: string; in: string; required: boolean };
    expect(required).toMatchObject({ name: 'If-Match', in: 'header', required: true });
    const list = document.paths['/api/v1/tickets']!.get!;
    expect(JSON.stringify(list.parameters ?? [])).not.toContain('IfMatch');
  });

  it('describes the attachment upload as multipart', () => {
    for (const path of ['/api/v1/tickets/{ticketId}/attachments', '/api/v1/work-items/{ticketId}/attachments']) {
      const upload = document.paths[path]!.post!;
      const body = upload.requestBody as { required?: boolean; content: Record<string, { schema: SchemaObject }> };
      expect(body.required).toBe(true);
      expect(Object.keys(body.content)).toEqual(['multipart/form-data']);
      const schema = body.content['multipart/form-data']!.schema;
      expect(schema.required).toEqual(['file']);
      expect(schema.properties?.file).toMatchObject({ type: 'string', format: 'binary' });
      expect(schema.properties?.internal).toMatchObject({ type: 'boolean' });
      expect(upload.responses['415']).toEqual({ $ref: '#/components/responses/UnsupportedMediaType' });
    }
    const create = document.paths['/api/v1/tickets']!.post!.requestBody as { content: Record<string, unknown> };
    expect(Object.keys(create.content)).toEqual(['application/json']);
  });

  it('declares bearer and API key security schemes', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components?.securitySchemes?.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(document.paths['/api/v1/me']!.get!.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(document.paths['/api/v1/auth/login']!.post!.security).toEqual([]);
  });

  it('adds the tenant header to every /api/v1 operation', () => {
    for (const { key, path, operation } of operations(document)) {
      const refs = (operation.parameters ?? []).map((parameter) => (parameter as ReferenceObject).$ref);
      const expected = path.startsWith('/api/v1/');
      expect({ key, tenantHeader: refs.includes('#/components/parameters/TenantId') }).toEqual({ key, tenantHeader: expected });
    }
    const header = document.components?.parameters?.TenantId as ParameterObject;
    expect(header).toMatchObject({ name: 'X-Tenant-ID', in: 'header' });
  });

  it('describes errors as problem+json', () => {
    const problem = document.components?.schemas?.Problem as { required?: string[] };
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
    const badRequest = document.components?.responses?.BadRequest as { content: Record<string, unknown> };
    expect(Object.keys(badRequest.content)).toEqual(['application/problem+json']);
    const get = document.paths['/api/v1/tickets/{id}']!.get!;
    expect(get.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(get.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(get.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
    expect(get.responses.default).toEqual({ $ref: '#/components/responses/Unexpected' });
  });

  it('derives request schemas from validators', () => {
    const dto = document.components?.schemas?.CreateTicketDto as {
      required: string[];
      properties: Record<string, { type?: string; maxLength?: number; format?: string }>;
    };
    expect(dto.required).toEqual(expect.arrayContaining(['title', 'description']));
    expect(dto.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 500 });
    expect(dto.properties.assigneeId).toMatchObject({ type: 'string', format: 'uuid' });
    const list = document.paths['/api/v1/tickets']!.get!.parameters as ParameterObject[];
    const limit = list.find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', maximum: 100, minimum: 1 } });
  });

  it('gives examples and response schemas', () => {
    const body = document.paths['/api/v1/tickets']!.post!.requestBody as { content: Record<string, { example?: unknown }> };
    expect(body.content['application/json']!.example).toMatchObject({ title: 'VPN down' });
    const created = document.paths['/api/v1/tickets']!.post!.responses['201'] as { content: Record<string, { schema: unknown }> };
    expect(created.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Ticket' });
    const login = document.paths['/api/v1/auth/login']!.post!;
    expect(login.requestBody).toBeDefined();
  });

  it('serves Swagger UI and its assets', async () => {
    const page = await t.http.get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.headers['x-correlation-id']).toBeDefined();
    const bundle = await t.http.get('/api/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    const init = await t.http.get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/docs-json');
    const missing = await t.http.get('/api/docs/package.json').expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
