import type { ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';

type Schema = SchemaObject | ReferenceObject;

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const timestamp: SchemaObject = { type: 'string', format: 'date-time' };
const nullableTimestamp: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };

/** A keyset-paginated list as every list route returns it. */
export function listOf(item: string): SchemaObject {
  return {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: ref(item) },
      nextCursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last' },
    },
  };
}

/**
 * Response bodies of the documented contract. Each lists the fields the contract guarantees as
 * required; responses may carry more, so additional properties stay allowed.
 */
export const RESPONSE_SCHEMAS: Record<string, SchemaObject> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail', 'errors'],
    properties: {
      type: { type: 'string', example: 'urn:ticket-masala:problem:validation_failed' },
      title: { type: 'string', example: 'Bad Request' },
      status: { type: 'integer', example: 400 },
      detail: { type: 'string', example: 'The request is invalid' },
      instance: { type: 'string' },
      correlationId: { type: 'string', description: 'Same value as the X-Correlation-Id header' },
      errors: { type: 'array', items: ref('FieldError') },
    },
  },
  FieldError: {
    type: 'object',
    required: ['field', 'rule', 'message'],
    properties: {
      field: { type: 'string', example: 'title' },
      rule: { type: 'string', example: 'maxLength' },
      message: { type: 'string', example: 'title must be shorter than or equal to 500 characters' },
    },
  },
  TokenPair: {
    type: 'object',
    required: ['accessToken', 'refreshToken', 'tokenType', 'expiresIn'],
    properties: {
      accessToken: { type: 'string', description: 'JWT for the Authorization header' },
      refreshToken: { type: 'string', description: 'Single use; POST /auth/refresh returns a new pair' },
      tokenType: { type: 'string', enum: ['Bearer'] },
      expiresIn: { type: 'integer', description: 'Seconds until the access token expires', example: 900 },
    },
  },
  Me: {
    type: 'object',
    required: ['id', 'email', 'tenant', 'roles'],
    properties: {
      id: uuid,
      email: { type: 'string', format: 'email' },
      displayName: { type: 'string', nullable: true },
      tenant: { type: 'object', properties: { id: uuid, slug: { type: 'string', example: 'acme' } } },
      roles: { type: 'array', items: { type: 'string' }, example: ['Employee'] },
      permissions: { type: 'array', items: { type: 'string' }, example: ['tickets.create', 'tickets.read'] },
    },
  },
  Ticket: {
    type: 'object',
    required: ['id', 'status', 'version', 'domainId', 'typeCode', 'title', 'description', 'customFields', 'createdAt', 'updatedAt', 'dueAt'],
    properties: {
      id: uuid,
      domainId: { type: 'string', example: 'it' },
      typeCode: { type: 'string', example: 'INCIDENT' },
      status: { type: 'string', description: 'Workflow state code', example: 'NEW' },
      title: { type: 'string', example: 'VPN down' },
      description: { type: 'string', example: 'Cannot connect from home' },
      priority: { type: 'string', example: 'medium' },
      customFields: { type: 'object', additionalProperties: true, example: { urgency: 'High' } },
      requesterId: uuid,
      assigneeId: { ...uuid, nullable: true },
      version: { type: 'integer', description: 'Also sent as the ETag; send it back in If-Match', example: 1 },
      dueAt: nullableTimestamp,
      createdAt: timestamp,
      updatedAt: timestamp,
    },
  },
  Domain: {
    type: 'object',
    required: ['id'],
    description: 'A domain of masala_domains.yaml with its labels, work item types, custom fields and workflow',
    properties: {
      id: { type: 'string', example: 'it' },
      displayName: { type: 'string', example: 'IT Support' },
      workItemTypes: { type: 'array', items: { type: 'object', additionalProperties: true } },
      customFields: { type: 'array', items: { type: 'object', additionalProperties: true } },
      workflow: { type: 'object', additionalProperties: true },
    },
  },
  DomainList: {
    type: 'object',
    required: ['version', 'data'],
    properties: {
      version: { type: 'string', description: 'Version (hash) of the active domain configuration' },
      defaultDomain: { type: 'string', example: 'it' },
      allowDomainSwitching: { type: 'boolean' },
      data: { type: 'array', items: ref('Domain') },
    },
  },
  AuditEntry: {
    type: 'object',
    required: ['id', 'sequence', 'actor', 'action', 'entityType', 'entityId', 'createdAt', 'hash'],
    properties: {
      id: uuid,
      sequence: { type: 'integer', example: 42 },
      actor: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } },
      action: { type: 'string', example: 'ticket.created' },
      entityType: { type: 'string', example: 'ticket' },
      entityId: { type: 'string' },
      oldValues: { type: 'object', nullable: true, additionalProperties: true },
      newValues: { type: 'object', nullable: true, additionalProperties: true },
      correlationId: { type: 'string' },
      createdAt: timestamp,
      previousHash: { type: 'string' },
      hash: { type: 'string' },
    },
  },
  AuditVerification: {
    type: 'object',
    required: ['valid', 'entries'],
    properties: {
      valid: { type: 'boolean' },
      entries: { type: 'integer' },
      firstBrokenId: { type: 'string' },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['ok', 'ready', 'not_ready'] },
      draining: { type: 'boolean', description: 'True once shutdown has started' },
      checks: { type: 'object', additionalProperties: true },
    },
  },
};

/** Success bodies of known routes, keyed `<verb> <path>`; other routes get a generic JSON object. */
export const SUCCESS_SCHEMAS: Record<string, Schema> = {
  'post /api/v1/auth/login': ref('TokenPair'),
  'post /api/v1/auth/refresh': ref('TokenPair'),
  'get /api/v1/me': ref('Me'),
  'get /api/v1/domains': ref('DomainList'),
  'get /api/v1/domains/{domainId}': ref('Domain'),
  'post /api/v1/tickets': ref('Ticket'),
  'get /api/v1/tickets': listOf('Ticket'),
  'get /api/v1/tickets/{id}': ref('Ticket'),
  'patch /api/v1/tickets/{id}': ref('Ticket'),
  'post /api/v1/tickets/{id}/transitions': ref('Ticket'),
  'get /api/v1/audit': listOf('AuditEntry'),
  'get /api/v1/audit/verify': ref('AuditVerification'),
  'get /health/live': ref('Health'),
  'get /health/ready': ref('Health'),
};

/** Request bodies read outside a @Body parameter, keyed like SUCCESS_SCHEMAS. */
export const REQUEST_SCHEMAS: Record<string, SchemaObject> = {
  'post /api/v1/auth/login': {
    type: 'object',
    required: ['email', 'password'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', maxLength: 254, format: 'email' },
      password: { type: 'string', minLength: 1, maxLength: 256, format: 'password' },
    },
  },
  'post /api/v1/tickets/{ticketId}/attachments': {
    type: 'object',
    required: ['file'],
    additionalProperties: false,
    properties: {
      file: { type: 'string', format: 'binary', description: 'The file, of at most MASALA_MAX_ATTACHMENT_BYTES bytes' },
      internal: {
        type: 'boolean',
        default: false,
        description: 'Marks the file internal, hidden from customers. Needs `comments.internal`.',
      },
    },
  },
};

/** Request examples of known routes, keyed like SUCCESS_SCHEMAS. */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  'post /api/v1/auth/login': { email: 'agent@acme.example', password: 'correct-horse-battery-staple' },
  'post /api/v1/auth/refresh': { refreshToken: '<refresh token from the login response>' },
  'post /api/v1/tickets': {
    title: 'VPN down',
    description: 'Cannot connect from home since this morning',
    domainId: 'it',
    customFields: { urgency: 'High' },
  },
  'post /api/v1/tickets/{id}/transitions': { to: 'IN_PROGRESS' },
};

/** Responses beyond the shared problem set, keyed like SUCCESS_SCHEMAS. */
export const EXTRA_RESPONSES: Record<string, Record<string, ResponseObject | ReferenceObject>> = {
  'get /health/ready': {
    '503': {
      description: 'Not ready: the database is unreachable or the instance is draining for shutdown',
      content: { 'application/json': { schema: ref('Health') } },
    },
  },
  'post /api/v1/tickets/{id}/transitions': { '409': { $ref: '#/components/responses/Conflict' } },
  'get /metrics': {
    '401': { $ref: '#/components/responses/Unauthorized' },
    '404': { $ref: '#/components/responses/NotFound' },
  },
};
