import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestContext, SYSTEM_ACTOR } from '#kernel';
import type { Tenant } from '#tenancy';
import { EraseOwnerAttachmentsCommand } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';

const LIMIT = 4096;
/** The smallest valid PNG: signature, IHDR, IDAT and IEND of a 1x1 image. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f6ba7b0000000049454e44ae426082',
  'hex',
);

describe('ticket attachments', () => {
  let t: TestApp;
  let acme: Tenant;
  let agent: Client;
  let admin: Client;
  let customer: Client;
  let otherCustomer: Client;
  let globex: Client;
  let customerId: string;
  let ticketId: string;

  const upload = (client: Client, content: Buffer, name: string, contentType = 'application/octet-stream') =>
    client('post', `/api/v1/tickets/${ticketId}/attachments`).attach('file', content, { filename: name, contentType });
  const download = (client: Client, attachmentId: string) =>
    client('get', `/api/v1/tickets/${ticketId}/attachments/${attachmentId}`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const fileOf = (attachmentId: string) => join(t.dataDir, 'attachments', acme.id, `${attachmentId}.bin`);

  beforeAll(async () => {
    t = await startTestApp({ MASALA_MAX_ATTACHMENT_BYTES: String(LIMIT) });
    acme = await t.createTenant('acme');
    const globexTenant = await t.createTenant('globex');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    customerId = await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(acme, 'other@acme.test', ['Customer']);
    await t.createUser(globexTenant, 'agent@globex.test', ['Employee']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    otherCustomer = clientFor(t, 'acme', await t.login('acme', 'other@acme.test'));
    globex = clientFor(t, 'globex', await t.login('globex', 'agent@globex.test'));
    ticketId = (await customer('post', '/api/v1/tickets').send(itTicket('Screenshot attached')).expect(201)).body.id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('sniffs the type and sanitises the name', async () => {
    const response = await upload(customer, PNG, '../../evil\u202Egnp.html', 'text/html').expect(201);
    expect(response.body).toMatchObject({ contentType: 'image/png', fileName: 'evilgnp.html', size: PNG.length, internal: false });
    expect(response.headers.location).toBe(`/api/v1/tickets/${ticketId}/attachments/${response.body.id}`);
  });

  it('downloads with safe headers', async () => {
    const created = (await upload(customer, PNG, 'screen shot.png')).body;
    const response = await download(customer, created.id).expect(200);
    expect(Buffer.compare(response.body as Buffer, PNG)).toBe(0);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('private, no-store');
  });

  it('treats HTML as plain text', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const created = (await upload(agent, html, 'page.png', 'image/png').expect(201)).body;
    expect(created.contentType).toBe('text/plain');
    const response = await download(agent, created.id).expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('encrypts the file at rest', async () => {
    const marker = Buffer.from('PLAINTEXT-MARKER-7f3a'.repeat(10));
    const created = (await upload(agent, marker, 'notes.txt').expect(201)).body;
    const stored = readFileSync(fileOf(created.id));
    expect(stored.includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
    expect(stored.length).toBeGreaterThan(marker.length);
    expect(Buffer.compare((await download(agent, created.id).expect(200)).body as Buffer, marker)).toBe(0);
  });

  it('serves files only to ticket readers', async () => {
    const created = (await upload(customer, PNG, 'private.png').expect(201)).body;
    await download(otherCustomer, created.id).expect(404);
    await globex('get', `/api/v1/tickets/${ticketId}/attachments/${created.id}`).expect(404);
    await otherCustomer('get', `/api/v1/tickets/${ticketId}/attachments`).expect(404);
    await t.http.get(`/attachments/${acme.id}/${created.id}.bin`).expect(404);
    await t.http.get(`/api/v1/attachments/${acme.id}/${created.id}.bin`).set('X-Tenant-ID', 'acme').expect(404);
  });

  it('hides internal attachments from customers', async () => {
    const created = (await upload(agent, PNG, 'internal.png').field('internal', 'true').expect(201)).body;
    expect(created.internal).toBe(true);
    const listed = await customer('get', `/api/v1/tickets/${ticketId}/attachments`).expect(200);
    expect(listed.body.data.map((item: { id: string }) => item.id)).not.toContain(created.id);
    await download(customer, created.id).expect(404);
    await download(agent, created.id).expect(200);
    await upload(customer, PNG, 'sneaky.png').field('internal', 'true').expect(403);
  });

  it('moves updatedAt on public uploads only', async () => {
    const updatedAt = async () => (await agent('get', `/api/v1/tickets/${ticketId}`).expect(200)).body.updatedAt as string;
    const before = await updatedAt();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const shared = (await upload(customer, PNG, 'shared.png').expect(201)).body;
    expect(await updatedAt()).toBe(shared.createdAt);
    expect(shared.createdAt > before).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await upload(agent, PNG, 'note.png').field('internal', 'true').expect(201);
    expect(await updatedAt()).toBe(shared.createdAt);
  });

  it('rejects a file over the limit with 413', async () => {
    const response = await upload(customer, Buffer.alloc(LIMIT + 1, 1), 'big.bin').expect(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.maxBytes).toBe(LIMIT);
  });

  it('rejects malformed uploads', async () => {
    const missing = await customer('post', `/api/v1/tickets/${ticketId}/attachments`).field('internal', 'false').expect(400);
    expect(missing.body.errors[0].field).toBe('file');
    const wrongField = await customer('post', `/api/v1/tickets/${ticketId}/attachments`).attach('upload', PNG, 'x.png').expect(400);
    expect(wrongField.body.errors[0].field).toBe('upload');
    await customer('post', `/api/v1/tickets/${ticketId}/attachments`).send({ file: 'x' }).expect(415);
    const extra = await upload(customer, PNG, 'x.png').field('tenantId', 'globex').expect(400);
    expect(extra.body.errors[0].field).toBe('tenantId');
    await upload(customer, PNG, 'x.png').field('internal', 'maybe').expect(400);
  });

  it('audits uploads', async () => {
    const created = (await upload(customer, PNG, 'audited.png').expect(201)).body;
    const [entry] = await auditOf(admin, created.id);
    expect(entry!.action).toBe('attachment.uploaded');
    expect(entry!.newValues).toMatchObject({ ticketId, contentType: 'image/png', size: PNG.length });
  });

  it("erases an owner's attachments", async () => {
    const created = (await upload(customer, PNG, 'erase-me.png').expect(201)).body;
    const kept = (await upload(agent, PNG, 'keep-me.png').expect(201)).body;
    expect(existsSync(fileOf(created.id))).toBe(true);

    const result = await RequestContext.run({ correlationId: 'erase-test', system: true }, () =>
      t.app.get(CommandBus).execute(new EraseOwnerAttachmentsCommand(acme.id, SYSTEM_ACTOR, customerId)),
    );
    expect(result.attachmentIds).toContain(created.id);
    expect(existsSync(fileOf(created.id))).toBe(false);
    expect(existsSync(fileOf(kept.id))).toBe(true);
    const listed = await agent('get', `/api/v1/tickets/${ticketId}/attachments`).expect(200);
    const uploaders = new Set(listed.body.data.map((item: { uploaderId: string }) => item.uploaderId));
    expect(uploaders.has(customerId)).toBe(false);
    await download(agent, created.id).expect(404);
    const actions = (await auditOf(admin, customerId)).map((entry) => entry.action);
    expect(actions).toContain('attachments.erased');
  });
});
