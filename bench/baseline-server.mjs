// Baseline for the benchmarks: node:http plus better-sqlite3 prepared statements, no framework.
// It does the same storage work as the API (insert a ticket and a hash-chained audit row in one
// transaction; read one page of a tenant's tickets by keyset) on the same schema, indexes and
// pragmas, so the ratio API/baseline measures what the framework layers cost.
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

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
const firstPage = db.prepare(`SELECT * FROM tickets WHERE tenant_id = ? AND deleted_at IS NULL
  ORDER BY created_at DESC, id DESC LIMIT ?`);

// The audit columns this baseline fills; any other column the migrations add must have a default.
const auditValues = (tenantId, actorId, ticketId, sequence, newValues, previousHash, hash) => ({
  tenant_id: tenantId,
  id: randomUUID(),
  sequence,
  actor_type: 'user',
  actor_id: actorId,
  action: 'ticket.created',
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

const createTicket = db.transaction((tenantId, actorId, body) => {
  const id = randomUUID();
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  insertTicket.run(tenantId, id, body.title, body.description, JSON.stringify(body.customFields ?? {}), actorId, now, now);
  const previous = lastAudit.get(tenantId);
  const sequence = (previous?.sequence ?? 0) + 1;
  const previousHash = previous?.hash ?? '0'.repeat(64);
  const newValues = JSON.stringify({ title: body.title, description: body.description });
  const hash = createHash('sha256').update(`${tenantId}${id}${sequence}${newValues}${previousHash}`).digest('hex');
  const row = auditValues(tenantId, actorId, id, sequence, newValues, previousHash, hash);
  insertAudit.run(Object.fromEntries(filledColumns.map((column) => [column, row[column]])));
  return id;
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
