import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SecurityRequirementObject,
} from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem.filter.js';
import {
  EXTRA_RESPONSES,
  REQUEST_EXAMPLES,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  SUCCESS_SCHEMAS,
} from './openapi-schemas.js';
import type { RouteHandler } from './openapi.js';

const problemResponse = (description: string): ResponseObject => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Problem responses by status, shared by every operation through `$ref`. */
const PROBLEMS: Record<string, ResponseObject> = {
  BadRequest: problemResponse('Invalid input: `errors` names each field and the rule it breaks'),
  Unauthorized: problemResponse('Missing, invalid or expired credentials, or a token of another tenant'),
  Forbidden: problemResponse('The caller lacks the permission named in x-permission'),
  NotFound: problemResponse('Unknown tenant, or the resource does not exist in this tenant'),
  Conflict: problemResponse('The change conflicts with the current state, such as a transition the workflow does not allow'),
  PreconditionFailed: problemResponse('If-Match names a version that is no longer current'),
  PreconditionRequired: problemResponse('The route needs an If-Match header with the version from the ETag, or *'),
  UnsupportedMediaType: problemResponse('The body has a Content-Type or Content-Encoding the route does not accept'),
  TooManyRequests: problemResponse('Rate limit reached; retry after the seconds in Retry-After'),
  Unavailable: problemResponse('The server is shutting down or a dependency is unavailable'),
  Unexpected: problemResponse('Unexpected error; quote the correlationId when reporting it'),
};

const TENANT_HEADER: ParameterObject = {
  name: 'X-Tenant-ID',
  in: 'header',
  required: false,
  description:
    'Slug of the tenant. Needed unless the Host is a subdomain of MASALA_BASE_DOMAIN or the instance ' +
    'is isolated (one tenant).',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', example: 'acme' },
};

const IF_MATCH_HEADER: ParameterObject = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The version to change, as sent in the ETag header ("3" or 3), a list of versions, or * for ' +
    'whatever version is current. A version that is no longer current gets 412.',
  schema: { type: 'string', example: '"3"' },
};

export const SHARED_COMPONENTS = {
  schemas: RESPONSE_SCHEMAS,
  responses: PROBLEMS,
  parameters: {
    TenantId: TENANT_HEADER,
    IfMatch: IF_MATCH_HEADER,
    IfMatchRequired: {
      ...IF_MATCH_HEADER,
      required: true,
      description: `${IF_MATCH_HEADER.description} A request without the header gets 428.`,
    },
  },
};

const CALLER_SECURITY: SecurityRequirementObject[] = [{ bearer: [] }, { apiKey: [] }];

function accessSentence(access: RouteHandler['access']): string {
  if (access === undefined) return 'Declares no permission, so the access guard rejects every call.';
  if (access === 'public') return 'Public: no credentials needed.';
  if (access === 'authenticated') return 'Requires an authenticated caller (bearer token or API key).';
  return `Requires the permission \`${access}\`.`;
}

const refTo = (name: string): ReferenceObject => ({ $ref: `#/components/responses/${name}` });

/** `tickets` for TicketsController, `auth` for AuthController. */
function tagOf(controller: string): string {
  const base = controller.replace(/Controller$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** Builds the lookup key of SUCCESS_SCHEMAS and REQUEST_EXAMPLES, mapping the work-items alias to tickets. */
function contractKey(verb: string, path: string): string {
  return `${verb} ${path.replace(/^\/api\/v1\/work-items/, '/api/v1/tickets')}`;
}

/**
 * Completes one scanned operation: the access the route declares (as `x-permission`, in the
 * description and as security requirements), the tenant header on /api/v1 routes, a body schema
 * and examples, and the problem+json responses the route can produce.
 */
export function completeOperation(input: {
  path: string;
  verb: string;
  operation: OperationObject;
  handler?: RouteHandler;
}): void {
  const { path, verb, operation, handler } = input;
  const access = handler?.access;
  const underApi = path.startsWith('/api/v1/') || path === '/api/v1';
  const key = contractKey(verb, path);

  const ownCredentials = access === 'public' && (operation.security?.length ?? 0) > 0;
  const sentence = ownCredentials
    ? 'Needs no user credentials; the route checks the credential named in its security requirement.'
    : accessSentence(access);
  (operation as OperationObject & { 'x-permission'?: string })['x-permission'] = access ?? 'none';
  operation.description = [sentence, operation.description].filter(Boolean).join('\n\n');
  if (!ownCredentials) operation.security = access === 'public' ? [] : CALLER_SECURITY;
  if (handler) {
    operation.operationId = operationIdOf(handler, String(operation.operationId));
    if (!operation.tags?.length) operation.tags = [tagOf(handler.controller)];
  }

  const parameters = operation.parameters ?? [];
  const namesTenant = parameters.some((parameter) => 'name' in parameter && /^x-tenant-id$/i.test(parameter.name));
  if (underApi && !namesTenant) {
    operation.parameters = [{ $ref: '#/components/parameters/TenantId' }, ...parameters];
  }
  if (handler?.ifMatch !== undefined) {
    const name = handler.ifMatch === 'required' ? 'IfMatchRequired' : 'IfMatch';
    operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${name}` }];
  }

  addRequestBody(operation, key, handler?.bodyMediaTypes ?? ['application/json']);
  addSuccessSchema(operation, key);
  for (const [status, response] of Object.entries(EXTRA_RESPONSES[key] ?? {})) {
    operation.responses[status] ??= response;
  }
  addProblemResponses(operation, {
    access,
    underApi,
    health: path.startsWith('/health/'),
    ifMatch: handler?.ifMatch,
  });
}

/** `tickets_create`, and `tickets_create_2` for the second path of an aliased route. */
function operationIdOf(handler: RouteHandler, scanned: string): string {
  const alias = /\[(\d+)\]$/.exec(scanned);
  const base = `${tagOf(handler.controller)}_${handler.method}`;
  return alias && alias[1] !== '0' ? `${base}_${Number(alias[1]) + 1}` : base;
}

/**
 * Adds bodies that no @Body parameter declares, such as the login (read by a guard) and the
 * attachment upload (read by multer), in the media types the route accepts, and examples.
 */
function addRequestBody(operation: OperationObject, key: string, mediaTypes: string[]): void {
  const declared = REQUEST_SCHEMAS[key];
  if (declared && !operation.requestBody) {
    const content = Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema: declared }]));
    operation.requestBody = { required: true, content };
  }
  const example = REQUEST_EXAMPLES[key];
  const body = operation.requestBody;
  if (example === undefined || !body || '$ref' in body) return;
  const json = body.content['application/json'];
  if (json && json.example === undefined) json.example = example;
}

function addSuccessSchema(operation: OperationObject, key: string): void {
  const responses = operation.responses;
  for (const [status, response] of Object.entries(responses)) {
    if (!response || !/^2\d\d$/.test(status) || status === '204' || '$ref' in response) continue;
    const described = response as ResponseObject;
    if (!described.description) described.description = status === '201' ? 'Created' : 'OK';
    if (described.content && Object.keys(described.content).length > 0) continue;
    const schema = SUCCESS_SCHEMAS[key] ?? { type: 'object', additionalProperties: true };
    described.content = { 'application/json': { schema } };
  }
  const noContent = responses['204'];
  if (noContent && !('$ref' in noContent) && !noContent.description) noContent.description = 'No content';
}

function addProblemResponses(
  operation: OperationObject,
  route: { access: RouteHandler['access']; underApi: boolean; health: boolean; ifMatch: RouteHandler['ifMatch'] },
): void {
  const responses = operation.responses;
  const add = (status: string, name: string) => {
    responses[status] ??= refTo(name);
  };
  const parameters = (operation.parameters ?? []) as Array<ParameterObject | ReferenceObject>;
  const hasInput =
    operation.requestBody !== undefined ||
    parameters.some((parameter) => 'in' in parameter && parameter.in !== 'header');
  const readsIfMatch =
    route.ifMatch !== undefined || parameters.some((parameter) => 'name' in parameter && /^if-match$/i.test(parameter.name));

  if (route.underApi) {
    add('400', 'BadRequest');
    add('404', 'NotFound');
    add('429', 'TooManyRequests');
  } else if (hasInput) {
    add('400', 'BadRequest');
  }
  if (route.access !== 'public') add('401', 'Unauthorized');
  if (route.access !== 'public' && route.access !== 'authenticated') add('403', 'Forbidden');
  if (readsIfMatch) add('412', 'PreconditionFailed');
  if (route.ifMatch === 'required') add('428', 'PreconditionRequired');
  if (operation.requestBody !== undefined) add('415', 'UnsupportedMediaType');
  // Every route but the health checks returns 503 while the instance drains for shutdown.
  if (!route.health) add('503', 'Unavailable');
  responses.default ??= refTo('Unexpected');
}
