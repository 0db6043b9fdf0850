/**
 * Every state-changing command must leave an audit entry. This suite finds every @nestjs/cqrs
 * command handler registered in the application and fails for a handler whose command has no row
 * in COVERAGE below, and for a row whose command no longer has a handler.
 *
 * Adding a command? Add a row keyed by the command's class name. Its `run` performs the command
 * the way a client does (over HTTP where a route exists, else through the CommandBus) and returns
 * the tenant whose trail records it, acme when it returns nothing. Its `action` is the audit
 * action that the run must append there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ModulesContainer } from '@nestjs/core';
import { CommandBus, CommandHandler, QueryBus } from '@nestjs/cqrs';
import { generate } from 'otplib';
import { join } from 'node:path';
import { ArchiveAuditEntriesCommand, ListAuditEntriesQuery } from '#audit';
import { EnsureRequesterCommand, RequestContext, SYSTEM_ACTOR } from '#kernel';
import { EraseOwnerAttachmentsCommand, ImportSeedWorkCommand, parseSeedData } from '#tickets';
import {
  ChangeTenantSettingsCommand,
  ResumeTenantCommand,
  SuspendTenantCommand,
  type Tenant,
} from '#tenancy';
import { CapturingMailAdapter, tokenIn } from '../identity/support/capturing-mail.js';
import { WebhookReceiver } from '../tickets/webhook-receiver.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';

const NEW_PASSWORD = 'another-long-passphrase-for-tests-77';

interface Fixture {
  t: TestApp;
  mail: CapturingMailAdapter;
  acme: Tenant;
  adminToken: string;
  employeeToken: string;
  employeeId: string;
  customerToken: string;
  customerId: string;
  /** Receiver on 127.0.0.1 for webhooks, which the app may reach with MASALA_WEBHOOK_ALLOW_PRIVATE. */
  webhookUrl: string;
  /** Sends a request to acme as the holder of `token`. */
  api(
    token: string,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
  ): ReturnType<TestApp['http']['get']>;
  /** Runs a command on the bus as operator code. */
  execute<T>(command: object): Promise<T>;
  /** A fresh ticket of the employee, with its version. */
  ticket(): Promise<{ id: string; version: number }>;
  /** A fresh user of acme with the test password; returns id, e-mail and a token. */
  user(roles?: string[]): Promise<{ id: string; email: string; token: string }>;
  /** A fresh tenant for commands that act on a whole tenant. */
  tenant(): Promise<Tenant>;
}

interface CoverageRow {
  action: string;
  /** Performs the command; returns the tenant id whose trail must record it (default acme). */
  run(fixture: Fixture): Promise<string | void>;
}

let serial = 0;
const unique = (prefix: string) => `${prefix}-${(serial += 1)}`;

const COVERAGE: Record<string, CoverageRow> = {
  // Tenancy
  CreateTenantCommand: { action: 'tenant.created', run: async (f) => (await f.tenant()).id },
  SuspendTenantCommand: {
    action: 'tenant.suspended',
    run: async (f) => {
      const tenant = await f.tenant();
      await f.execute(new SuspendTenantCommand(tenant.slug, SYSTEM_ACTOR, 'unpaid invoice'));
      return tenant.id;
    },
  },
  ResumeTenantCommand: {
    action: 'tenant.resumed',
    run: async (f) => {
      const tenant = await f.tenant();
      await f.execute(new SuspendTenantCommand(tenant.slug, SYSTEM_ACTOR));
      await f.execute(new ResumeTenantCommand(tenant.slug, SYSTEM_ACTOR));
      return tenant.id;
    },
  },
  ChangeTenantSettingsCommand: {
    action: 'tenant.settings_changed',
    run: async (f) => {
      await f.execute(
        new ChangeTenantSettingsCommand('acme', SYSTEM_ACTOR, {
          set: { auditRetentionDays: 400 },
          unset: [],
        }),
      );
    },
  },

  // Identity: accounts
  CreateUserCommand: {
    action: 'user.created',
    run: async (f) => {
      await f
        .api(f.adminToken, 'post', '/users')
        .send({
          email: `${unique('created')}@acme.test`,
          roles: ['Employee'],
          password: TEST_PASSWORD,
        })
        .expect(201);
    },
  },
  InviteUserCommand: {
    action: 'user.invited',
    run: async (f) => {
      await f
        .api(f.adminToken, 'post', '/users')
        .send({ email: `${unique('invited')}@acme.test`, roles: ['Customer'] })
        .expect(201);
    },
  },
  ResendInvitationCommand: {
    action: 'user.invited',
    run: async (f) => {
      const invited = await f
        .api(f.adminToken, 'post', '/users')
        .send({ email: `${unique('resent')}@acme.test`, roles: ['Customer'] })
        .expect(201);
      await f.api(f.adminToken, 'post', `/users/${invited.body.id}/invitation`).expect(200);
    },
  },
  AcceptInvitationCommand: {
    action: 'user.invitation_accepted',
    run: async (f) => {
      const email = `${unique('accepting')}@acme.test`;
      const sent = f.mail.messages.length;
      await f
        .api(f.adminToken, 'post', '/users')
        .send({ email, roles: ['Customer'] })
        .expect(201);
      const token = tokenIn(await f.mail.nextTo(email, 'invitation', sent));
      await f.t.http
        .post('/api/v1/auth/accept-invitation')
        .set('X-Tenant-ID', 'acme')
        .send({ token, password: TEST_PASSWORD })
        .expect(204);
    },
  },
  UpdateUserCommand: {
    action: 'user.updated',
    run: async (f) => {
      const user = await f.user();
      await f
        .api(f.adminToken, 'patch', `/users/${user.id}`)
        .send({ displayName: 'Renamed Person' })
        .expect(200);
    },
  },
  EnsureRequesterCommand: {
    action: 'user.created',
    run: async (f) => {
      await f.execute(
        new EnsureRequesterCommand(f.acme.id, SYSTEM_ACTOR, {
          email: `${unique('requester')}@acme.test`,
        }),
      );
    },
  },

  // Identity: sessions and credentials
  LogInCommand: {
    action: 'auth.login_succeeded',
    run: async (f) => {
      await f.t.login('acme', 'agent@acme.test');
    },
  },
  LogOutCommand: {
    action: 'auth.logged_out',
    run: async (f) => {
      const user = await f.user();
      await f.api(user.token, 'post', '/auth/logout').expect(204);
    },
  },
  RefreshSessionCommand: {
    action: 'auth.session_refreshed',
    run: async (f) => {
      const login = await f.t.http
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', 'acme')
        .send({ email: 'agent@acme.test', password: TEST_PASSWORD })
        .expect(200);
      await f.t.http
        .post('/api/v1/auth/refresh')
        .set('X-Tenant-ID', 'acme')
        .send({ refreshToken: login.body.refreshToken })
        .expect(200);
    },
  },
  ChangePasswordCommand: {
    action: 'auth.password_changed',
    run: async (f) => {
      const user = await f.user();
      await f
        .api(user.token, 'post', '/auth/change-password')
        .send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })
        .expect(200);
    },
  },
  RequestPasswordResetCommand: {
    action: 'auth.password_reset_requested',
    run: async (f) => {
      await f.t.http
        .post('/api/v1/auth/password-reset/request')
        .set('X-Tenant-ID', 'acme')
        .send({ email: 'agent@acme.test' })
        .expect(202);
    },
  },
  ResetPasswordCommand: {
    action: 'auth.password_reset',
    run: async (f) => {
      const user = await f.user();
      const sent = f.mail.messages.length;
      await f.t.http
        .post('/api/v1/auth/password-reset/request')
        .set('X-Tenant-ID', 'acme')
        .send({ email: user.email })
        .expect(202);
      const token = tokenIn(await f.mail.nextTo(user.email, 'password_reset', sent));
      await f.t.http
        .post('/api/v1/auth/password-reset/confirm')
        .set('X-Tenant-ID', 'acme')
        .send({ token, newPassword: NEW_PASSWORD })
        .expect(204);
    },
  },
  SetUpTwoFactorCommand: {
    action: 'auth.two_factor_setup_started',
    run: async (f) => {
      const user = await f.user();
      await f.api(user.token, 'post', '/auth/2fa/setup').send({}).expect(200);
    },
  },
  EnableTwoFactorCommand: {
    action: 'auth.two_factor_enabled',
    run: async (f) => {
      await enrolTwoFactor(f);
    },
  },
  DisableTwoFactorCommand: {
    action: 'auth.two_factor_disabled',
    run: async (f) => {
      // A TOTP step is accepted once, so enrolment uses the previous step, sign-in a recovery
      // code, and disabling the current step.
      const { user, secret, recoveryCodes } = await enrolTwoFactor(f, -1);
      const login = await f.t.http
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', 'acme')
        .send({ email: user.email, password: TEST_PASSWORD, recoveryCode: recoveryCodes[0] })
        .expect(200);
      await f
        .api(login.body.accessToken as string, 'post', '/auth/2fa/disable')
        .send({ code: await totp(secret) })
        .expect(204);
    },
  },
  CreateApiKeyCommand: {
    action: 'api_key.created',
    run: async (f) => {
      await f
        .api(f.adminToken, 'post', '/api-keys')
        .send({ name: unique('key'), permissions: ['tickets.read'] })
        .expect(201);
    },
  },
  RevokeApiKeyCommand: {
    action: 'api_key.revoked',
    run: async (f) => {
      const key = await f
        .api(f.adminToken, 'post', '/api-keys')
        .send({ name: unique('key'), permissions: ['tickets.read'] })
        .expect(201);
      await f.api(f.adminToken, 'delete', `/api-keys/${key.body.id}`).expect(204);
    },
  },

  // Tickets
  CreateTicketCommand: {
    action: 'ticket.created',
    run: async (f) => {
      await f.ticket();
    },
  },
  UpdateTicketCommand: {
    action: 'ticket.updated',
    run: async (f) => {
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'patch', `/tickets/${ticket.id}`)
        .set('If-Match', `"${ticket.version}"`)
        .send({ title: 'Renamed ticket' })
        .expect(200);
    },
  },
  TransitionTicketCommand: {
    action: 'ticket.transitioned',
    run: async (f) => {
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'post', `/tickets/${ticket.id}/transitions`)
        .send({ to: 'IN_PROGRESS' })
        .expect(200);
    },
  },
  AssignTicketCommand: {
    action: 'ticket.assigned',
    run: async (f) => {
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'post', `/tickets/${ticket.id}/assignment`)
        .send({ assigneeId: f.employeeId })
        .expect(200);
    },
  },
  DeleteTicketCommand: {
    action: 'ticket.deleted',
    run: async (f) => {
      const ticket = await f.ticket();
      await f.api(f.adminToken, 'delete', `/tickets/${ticket.id}`).expect(204);
    },
  },
  AddCommentCommand: {
    action: 'ticket.commented',
    run: async (f) => {
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'post', `/tickets/${ticket.id}/comments`)
        .send({ body: 'On it' })
        .expect(201);
    },
  },
  EditCommentCommand: {
    action: 'comment.edited',
    run: async (f) => {
      const ticket = await f.ticket();
      const comment = await f
        .api(f.employeeToken, 'post', `/tickets/${ticket.id}/comments`)
        .send({ body: 'Frist' })
        .expect(201);
      await f
        .api(f.employeeToken, 'patch', `/tickets/${ticket.id}/comments/${comment.body.id}`)
        .set('If-Match', `"${comment.body.version}"`)
        .send({ body: 'First' })
        .expect(200);
    },
  },
  CreateProjectCommand: {
    action: 'project.created',
    run: async (f) => {
      await f
        .api(f.employeeToken, 'post', '/projects')
        .send({ name: unique('Project') })
        .expect(201);
    },
  },
  UpdateProjectCommand: {
    action: 'project.updated',
    run: async (f) => {
      const project = await f
        .api(f.employeeToken, 'post', '/projects')
        .send({ name: unique('Project') })
        .expect(201);
      await f
        .api(f.employeeToken, 'patch', `/projects/${project.body.id}`)
        .set('If-Match', `"${project.body.version}"`)
        .send({ description: 'Renamed' })
        .expect(200);
    },
  },
  AddTicketToProjectCommand: {
    action: 'project.ticket_added',
    run: async (f) => {
      const project = await f
        .api(f.employeeToken, 'post', '/projects')
        .send({ name: unique('Project') })
        .expect(201);
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'post', `/projects/${project.body.id}/tickets`)
        .send({ ticketId: ticket.id })
        .expect(200);
    },
  },

  CreateExternalTicketCommand: {
    action: 'ticket.created',
    run: async (f) => {
      const key = await f
        .api(f.adminToken, 'post', '/api-keys')
        .send({ name: unique('intake key'), permissions: ['intake'] })
        .expect(201);
      await f.t.http
        .post('/api/v1/tickets/external')
        .set('X-Tenant-ID', 'acme')
        .set('X-Api-Key', key.body.key as string)
        .send({
          title: 'Portal form',
          description: 'Submitted through the web form',
          email: `${unique('intake')}@example.org`,
          customFields: { urgency: 'Medium' },
        })
        .expect(201);
    },
  },
  UploadAttachmentCommand: {
    action: 'attachment.uploaded',
    run: async (f) => {
      const ticket = await f.ticket();
      await f
        .api(f.employeeToken, 'post', `/tickets/${ticket.id}/attachments`)
        .attach('file', Buffer.from('plain text notes\n'), { filename: 'notes.txt', contentType: 'text/plain' })
        .expect(201);
    },
  },
  EraseOwnerAttachmentsCommand: {
    action: 'attachments.erased',
    run: async (f) => {
      const uploader = await f.user();
      const ticket = await f.ticket();
      await f
        .api(uploader.token, 'post', `/tickets/${ticket.id}/attachments`)
        .attach('file', Buffer.from('plain text notes\n'), { filename: 'notes.txt', contentType: 'text/plain' })
        .expect(201);
      await f.execute(new EraseOwnerAttachmentsCommand(f.acme.id, SYSTEM_ACTOR, uploader.id));
    },
  },
  ImportSeedWorkCommand: {
    action: 'seed.imported',
    run: async (f) => {
      const seed = parseSeedData({
        Customers: [{ Email: 'customer@acme.test' }],
        UnassignedWorkItems: [{ Description: 'Imported printer fault', CustomerEmail: 'customer@acme.test' }],
      });
      await f.execute(
        new ImportSeedWorkCommand(
          f.acme.id,
          'acme',
          SYSTEM_ACTOR,
          seed,
          new Map([['customer@acme.test', f.customerId]]),
          new Set<string>(),
          { fieldDefaults: { urgency: 'Low' } },
        ),
      );
    },
  },

  CreateSavedFilterCommand: {
    action: 'saved_filter.created',
    run: async (f) => {
      await f
        .api(f.employeeToken, 'post', '/saved-filters')
        .send({ name: unique('Filter'), criteria: { status: 'NEW' } })
        .expect(201);
    },
  },
  UpdateSavedFilterCommand: {
    action: 'saved_filter.updated',
    run: async (f) => {
      const filter = await f
        .api(f.employeeToken, 'post', '/saved-filters')
        .send({ name: unique('Filter'), criteria: { status: 'NEW' } })
        .expect(201);
      await f
        .api(f.employeeToken, 'patch', `/saved-filters/${filter.body.id}`)
        .send({ name: unique('Renamed filter') })
        .expect(200);
    },
  },
  DeleteSavedFilterCommand: {
    action: 'saved_filter.deleted',
    run: async (f) => {
      const filter = await f
        .api(f.employeeToken, 'post', '/saved-filters')
        .send({ name: unique('Filter'), criteria: { status: 'NEW' } })
        .expect(201);
      await f.api(f.employeeToken, 'delete', `/saved-filters/${filter.body.id}`).expect(204);
    },
  },

  CreateWebhookCommand: {
    action: 'webhook.created',
    run: async (f) => {
      await f
        .api(f.adminToken, 'post', '/webhooks')
        .send({ url: f.webhookUrl, events: ['ticket.assigned'] })
        .expect(201);
    },
  },
  DeleteWebhookCommand: {
    action: 'webhook.deleted',
    run: async (f) => {
      const webhook = await f
        .api(f.adminToken, 'post', '/webhooks')
        .send({ url: f.webhookUrl, events: ['ticket.assigned'] })
        .expect(201);
      await f.api(f.adminToken, 'delete', `/webhooks/${webhook.body.id}`).expect(204);
    },
  },

  // Compliance
  RecordConsentCommand: {
    action: 'consent.given',
    run: async (f) => {
      await f
        .api(f.customerToken, 'post', '/compliance/consents')
        .send({ purpose: 'marketing_emails', granted: true, policyVersion: '2026-01' })
        .expect(201);
    },
  },
  ExportSubjectCommand: {
    action: 'subject.exported',
    run: async (f) => {
      const officer = await f.user(['ComplianceOfficer']);
      await f.api(officer.token, 'get', `/compliance/subjects/${f.customerId}/export`).expect(200);
    },
  },

  EraseSubjectCommand: {
    action: 'subject.erased',
    run: async (f) => {
      const officer = await f.user(['ComplianceOfficer']);
      const subject = await f.user(['Customer']);
      await f.api(officer.token, 'post', `/compliance/subjects/${subject.id}/erasure`).expect(200);
    },
  },

  RedactTicketCommand: {
    action: 'ticket.redacted',
    run: async (f) => {
      const officer = await f.user(['ComplianceOfficer']);
      const ticket = await f.ticket();
      await f.api(officer.token, 'post', `/tickets/${ticket.id}/redactions`).expect(200);
    },
  },
  RunRetentionCommand: {
    action: 'retention.completed',
    run: async (f) => {
      const officer = await f.user(['ComplianceOfficer']);
      await f.api(officer.token, 'post', '/compliance/retention/runs').send({ dryRun: false }).expect(200);
    },
  },

  // Audit
  ArchiveAuditEntriesCommand: {
    action: 'audit.archived',
    run: async (f) => {
      const tenant = await f.tenant();
      const file = join(f.t.dataDir, `${tenant.slug}.jsonl`);
      await f.execute(
        new ArchiveAuditEntriesCommand(tenant.id, SYSTEM_ACTOR, new Date(), file, {
          tenantSlug: tenant.slug,
        }),
      );
      return tenant.id;
    },
  },
};

function totp(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

async function enrolTwoFactor(
  f: Fixture,
  offsetSteps = 0,
): Promise<{ user: { id: string; email: string }; secret: string; recoveryCodes: string[] }> {
  const user = await f.user();
  const setup = await f.api(user.token, 'post', '/auth/2fa/setup').send({}).expect(200);
  const secret = setup.body.secret as string;
  const enabled = await f
    .api(user.token, 'post', '/auth/2fa/enable')
    .send({ code: await totp(secret, offsetSteps) })
    .expect(200);
  return { user, secret, recoveryCodes: enabled.body.recoveryCodes as string[] };
}

/** Names of the commands that have a handler registered in the application's modules. */
function registeredCommands(modules: ModulesContainer): string[] {
  // @nestjs/cqrs does not export its metadata key, so it is read off a probe decorated the same way.
  class ProbeCommand {}
  class ProbeHandler {}
  CommandHandler(ProbeCommand)(ProbeHandler);
  const [metadataKey] = Reflect.getOwnMetadataKeys(ProbeHandler) as string[];

  const names = new Set<string>();
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as unknown;
      if (typeof type !== 'function') continue;
      const command = Reflect.getMetadata(metadataKey!, type) as { name: string } | undefined;
      if (command) names.add(command.name);
    }
  }
  return [...names].sort();
}

describe('audit coverage of every command', () => {
  let fixture: Fixture;
  const registered: string[] = [];
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    const mail = new CapturingMailAdapter();
    await receiver.start();
    const t = await startTestApp({ MASALA_WEBHOOK_ALLOW_PRIVATE: 'true' }, { mail });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    const employeeId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    const customerId = await t.createUser(acme, 'customer@acme.test', ['Customer']);
    const adminToken = await t.login('acme', 'admin@acme.test');
    const employeeToken = await t.login('acme', 'agent@acme.test');
    const customerToken = await t.login('acme', 'customer@acme.test');
    registered.push(...registeredCommands(t.app.get(ModulesContainer)));

    const api: Fixture['api'] = (token, method, path) =>
      t.http[method](`/api/v1${path}`)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`);
    fixture = {
      t,
      mail,
      acme,
      adminToken,
      employeeToken,
      employeeId,
      customerToken,
      customerId,
      webhookUrl: receiver.url,
      api,
      execute: <T>(command: object) =>
        RequestContext.run({ correlationId: `coverage-${crypto.randomUUID()}`, system: true }, () =>
          t.app.get(CommandBus).execute(command as never),
        ) as Promise<T>,
      ticket: async () => {
        const response = await api(employeeToken, 'post', '/tickets')
          .send({ title: unique('Ticket'), description: 'x', customFields: { urgency: 'Low' } })
          .expect(201);
        return { id: response.body.id as string, version: response.body.version as number };
      },
      user: async (roles = ['Employee']) => {
        const email = `${unique('user')}@acme.test`;
        const id = await t.createUser(acme, email, roles);
        return { id, email, token: await t.login('acme', email) };
      },
      tenant: () => t.createTenant(unique('coverage')),
    };
  });

  afterAll(async () => {
    await fixture.t.close();
    await receiver.stop();
  });

  it('finds the command handlers', () => {
    expect(registered).toContain('CreateTicketCommand');
    expect(registered).toContain('ArchiveAuditEntriesCommand');
  });

  it('has a row for every command handler', () => {
    const missing = registered.filter((name) => !(name in COVERAGE));
    expect(missing).toEqual([]);
  });

  it('has no row without a command handler', () => {
    const stale = Object.keys(COVERAGE).filter((name) => !registered.includes(name));
    expect(stale).toEqual([]);
  });

  it.each(Object.entries(COVERAGE))('%s appends an audit entry', async (_name, row) => {
    const queries = fixture.t.app.get(QueryBus);
    const latest = async (tenantId: string, action?: string) => {
      const page = await RequestContext.run({ correlationId: 'coverage-read', system: true }, () =>
        queries.execute(
          new ListAuditEntriesQuery(tenantId, action ? { action } : {}, 1, undefined, 'desc'),
        ),
      );
      return page.data[0]?.sequence ?? 0;
    };
    const before = await latest(fixture.acme.id);

    const tenantId = (await row.run(fixture)) ?? fixture.acme.id;
    const recorded = await latest(tenantId, row.action);
    expect(recorded).toBeGreaterThan(tenantId === fixture.acme.id ? before : 0);
  });
});
