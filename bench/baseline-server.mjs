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
const insertAudit = db.prepare(`INSERT INTO audit_log_entries (tenant_id, id, sequence, actor_type,
  actor_id, action, entity_type, entity_id, old_values, new_values, subject_ids, ip, user_agent,
  correlation_id, config_version, created_at, previous_hash, hash, personal_fields)
  VALUES (?, ?, ?, 'user', ?, 'ticket.created', 'ticket', ?, NULL, ?, ?, NULL, NULL, ?, 'baseline', ?, ?, ?, '[]')`);
const firstPage = db.prepare(`SELECT * FROM tickets WHERE tenant_id = ? AND deleted_at IS NULL
  ORDER BY created_at DESC, id DESC LIMIT ?`);

const hasPersonalFields = db
  .prepare(`SELECT COUNT(*) FROM pragma_table_info('audit_log_entries') WHERE name = 'personal_fields'`)
  .pluck()
  .get();
const insertAuditRow = hasPersonalFields
  ? insertAudit
  : db.prepare(insertAudit.source.replace(', personal_fields)', ')').replace(", ?, '[]')", ', ?)'));

const createTicket = db.transaction((tenantId, actorId, body) => {
  const id = randomUUID();
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  insertTicket.run(tenantId, id, body.title, body.description, JSON.stringify(body.customFields ?? {}), actorId, now, now);
  const previous = lastAudit.get(tenantId);
  const sequence = (previous?.sequence ?? 0) + 1;
  const previousHash = previous?.hash ?? '0'.repeat(64);
  const newValues = JSON.stringify({ title: body.title, description: body.description });
  const hash = createHash('sha256').update(`${tenantId}${id}${sequence}${newValues}${previousHash}`).digest('hex');
  insertAuditRow.run(tenantId, randomUUID(), sequence, actorId, id, newValues, JSON.stringify([actorId]), randomUUID(),
    new Date().toISOString(), previousHash, hash);
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
