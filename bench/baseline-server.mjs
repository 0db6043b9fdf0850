// Baseline for the benchmarks: node:http plus better-sqlite3 prepared statements, no framework.
// It does the same storage work as the API on the same schema, indexes and pragmas, so the ratio
// API/baseline measures what the framework layers cost:
// - POST /tickets inserts a ticket and a hash-chained audit row in one transaction;
// - GET /tickets reads the first page of a tenant's tickets by keyset;
// - POST /tickets/:id/transitions {to} checks the IT domain's workflow from masala_domains.yaml,
//   updates the status and version, and appends an audit row, in one transaction.
// Every request commits on its own: there is no grouping of concurrent requests.
import Database from 'better-sqlite3';
import { load as parseYaml } from 'js-yaml';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.env.BASELINE_DB;
const port = Number(process.env.PORT ?? 0);
const synchronous = process.env.BASELINE_SYNCHRONOUS ?? 'FULL';
if (!file) throw new Error('BASELINE_DB is missing: set it to a database file created by the migrations');

const db = new Database(file, { timeout: 5000 });
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('foreign_keys = ON');
db.pragma('secure_delete = ON');

const insertTicket = db.prepare(`INSERT INTO tickets (tenant_id, id, domain_id, type_code, status, title,
  description, priority, custom_fields, requester_id, assignee_id, config_version, version, due_at,
  created_at, updated_at, deleted_at) VALUES (?, ?, 'IT', 'INCIDENT', 'NEW', ?, ?, 'normal', ?, ?, NULL,
  'baseline', 1, NULL, ?, ?, NULL)`);
const lastAudit = db.prepare(
  'SELECT sequence, hash FROM audit_log_entries WHERE tenant_id = ? ORDER BY sequence DESC LIMIT 1',
);
const findTicket = db.prepare(
  'SELECT status FROM tickets WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
);
const updateStatus = db.prepare(
  'UPDATE tickets SET status = ?, version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ?',
);
const firstPage = db.prepare(`SELECT * FROM tickets WHERE tenant_id = ? AND deleted_at IS NULL
  ORDER BY created_at DESC, id DESC LIMIT ?`);

const configFolder = process.env.MASALA_CONFIG_PATH ?? fileURLToPath(new URL('..', import.meta.url));
const domains = parseYaml(readFileSync(join(configFolder, 'masala_domains.yaml'), 'utf8')).domains;
/** Allowed target states by current state, for the tickets this baseline creates (domain IT). */
const transitions = domains.IT.workflow.transitions;

// The audit columns this baseline fills; any other column the migrations add must have a default.
const auditValues = (tenantId, actorId, ticketId, sequence, newValues, previousHash, hash, action = 'ticket.created') => ({
  tenant_id: tenantId,
  id: randomUUID(),
  sequence,
  actor_type: 'user',
  actor_id: actorId,
  action,
  entity_type: 'ticket',
  entity_id: ticketId,
  new_values: newValues,
  subject_ids: JSON.stringify([actorId]),
  correlation_id: randomUUID(),
  config_version: 'baseline',
  created_at: new Date().toISOString(),
  previous_hash: previousHash,
  hash,
  personal_fields: '[]',
});
const auditColumns = new Set(db.prepare(`SELECT name FROM pragma_table_info('audit_log_entries')`).pluck().all());
const filledColumns = Object.keys(auditValues('', '', '', 0, '', '', '')).filter((column) => auditColumns.has(column));
const insertAudit = db.prepare(
  `INSERT INTO audit_log_entries (${filledColumns.join(', ')}) VALUES (${filledColumns.map((column) => `@${column}`).join(', ')})`,
);

const now = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/** Appends the next audit row of the tenant's hash chain. Runs inside the caller's transaction. */
function appendAudit(tenantId, actorId, ticketId, action, newValues) {
  const previous = lastAudit.get(tenantId);
  const sequence = (previous?.sequence ?? 0) + 1;
  const previousHash = previous?.hash ?? '0'.repeat(64);
  const hash = createHash('sha256').update(`${tenantId}${ticketId}${sequence}${newValues}${previousHash}`).digest('hex');
  const row = auditValues(tenantId, actorId, ticketId, sequence, newValues, previousHash, hash, action);
  insertAudit.run(Object.fromEntries(filledColumns.map((column) => [column, row[column]])));
}

const createTicket = db.transaction((tenantId, actorId, body) => {
  const id = randomUUID();
  const created = now();
  insertTicket.run(tenantId, id, body.title, body.description, JSON.stringify(body.customFields ?? {}), actorId, created, created);
  appendAudit(tenantId, actorId, id, 'ticket.created', JSON.stringify({ title: body.title, description: body.description }));
  return id;
});

/** Returns the HTTP status: 200, 404 for an unknown ticket, 409 when the workflow forbids it. */
const transitionTicket = db.transaction((tenantId, actorId, id, to) => {
  const ticket = findTicket.get(tenantId, id);
  if (!ticket) return 404;
  if (!(transitions[ticket.status] ?? []).includes(to)) return 409;
  updateStatus.run(to, now(), tenantId, id);
  appendAudit(tenantId, actorId, id, 'ticket.transitioned', JSON.stringify({ status: to }));
  return 200;
});

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const server = createServer(async (request, response) => {
  const tenantId = request.headers['x-tenant-id'] ?? 'bench';
  try {
    if (request.method === 'POST' && request.url === '/tickets') {
      const body = JSON.parse(await readBody(request));
      if (typeof body.title !== 'string' || typeof body.description !== 'string') {
        response.writeHead(400).end();
        return;
      }
      const id = createTicket(tenantId, 'baseline-user', body);
      response.writeHead(201, { 'content-type': 'application/json', location: `/tickets/${id}` });
      response.end(JSON.stringify({ id }));
      return;
    }
    const transition = /^\/tickets\/([0-9a-f-]{36})\/transitions$/.exec(request.url);
    if (request.method === 'POST' && transition) {
      const body = JSON.parse(await readBody(request));
      if (typeof body.to !== 'string') {
        response.writeHead(400).end();
        return;
      }
      const status = transitionTicket(tenantId, 'baseline-user', transition[1], body.to);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: transition[1], status: body.to }));
      return;
    }
    if (request.method === 'GET' && request.url.startsWith('/tickets')) {
      const rows = firstPage.all(tenantId, 25);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: rows, nextCursor: null }));
      return;
    }
    response.writeHead(404).end();
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`baseline listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => db.close()));
