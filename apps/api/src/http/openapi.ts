import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { BODY_MEDIA_TYPES_KEY, IF_MATCH_REQUIRED_KEY, ROUTE_ACCESS_KEY, type RouteAccess } from '#kernel';
import { describeDtoFromValidators } from './openapi-validators.js';
import { completeOperation, SHARED_COMPONENTS } from './openapi-operations.js';

/** Version of the HTTP contract served under /api/v1. */
export const API_DOCUMENT_VERSION = '1.0.0';

export interface RouteHandler {
  controller: string;
  method: string;
  /** Access the route declares with @RequirePermission, @Authenticated or @Public. */
  access?: RouteAccess;
  /** Media types the route accepts as its body: JSON unless it declares others with @AcceptsBody. */
  bodyMediaTypes: string[];
  /** The handler's use of If-Match: read when sent, or required (@IfMatchRequired). Undefined when it ignores the header. */
  ifMatch?: 'optional' | 'required';
}

type Constructor = abstract new (...args: never[]) => unknown;

/** Every controller method that serves a route, keyed `Controller.method`. */
export function collectRouteHandlers(app: INestApplication): Map<string, RouteHandler & { dtos: Constructor[] }> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const validated = new Set(
    [...getTargetsWithRules()].filter((target): target is Constructor => typeof target === 'function'),
  );
  const handlers = new Map<string, RouteHandler & { dtos: Constructor[] }>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Constructor | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const parameterTypes = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        handlers.set(`${controller.name}.${method}`, {
          controller: controller.name,
          method,
          access: reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS_KEY, [
            handler as () => void,
            controller as unknown as () => void,
          ]),
          bodyMediaTypes: reflector.getAllAndOverride<string[] | undefined>(BODY_MEDIA_TYPES_KEY, [
            handler as () => void,
            controller as unknown as () => void,
          ]) ?? ['application/json'],
          dtos: parameterTypes.filter((type): type is Constructor => validated.has(type as Constructor)),
          ifMatch: ifMatchUse(controller, method, handler),
        });
      }
    }
  }
  return handlers;
}

/** Returns how a handler uses If-Match, from its @Headers('if-match') parameter and @IfMatchRequired. */
function ifMatchUse(controller: Constructor, method: string, handler: object): RouteHandler['ifMatch'] {
  const parameters = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { data?: unknown }>;
  const readsIfMatch = Object.entries(parameters).some(
    ([key, parameter]) =>
      key.startsWith(`${RouteParamtypes.HEADERS}:`) && typeof parameter.data === 'string' && parameter.data.toLowerCase() === 'if-match',
  );
  if (!readsIfMatch) return undefined;
  return Reflect.getMetadata(IF_MATCH_REQUIRED_KEY, handler) === true ? 'required' : 'optional';
}

function getTargetsWithRules(): Set<unknown> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  return new Set(storage.validationMetadatas.keys());
}

/**
 * Builds the OpenAPI 3 document of every route the application serves. Swagger's scanner finds
 * the routes. Each operation then gets the permission and security schemes from the route's
 * access declaration, schemas from the class-validator rules of its DTOs, and the problem+json
 * responses and tenant header that every /api/v1 route shares. Routes added later are covered
 * without any decorator of their own.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const handlers = collectRouteHandlers(app);
  for (const handler of handlers.values()) handler.dtos.forEach(describeDtoFromValidators);

  const config = new DocumentBuilder()
    .setTitle('Ticket Masala API')
    .setDescription(
      'Multi-tenant ticketing with tenant isolation, audit, consent, export and erasure. Every route ' +
        'under /api/v1 resolves its tenant from the subdomain of MASALA_BASE_DOMAIN, the X-Tenant-ID ' +
        'header (tenant slug) or the one tenant of an isolated instance. Errors are RFC 9457 ' +
        'problem+json documents.',
    )
    .setVersion(API_DOCUMENT_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The MASALA_METRICS_TOKEN setting; only for /metrics' },
      'metricsToken',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller}.${method}`,
  });

  document.components = {
    ...document.components,
    schemas: { ...SHARED_COMPONENTS.schemas, ...document.components?.schemas },
    responses: { ...SHARED_COMPONENTS.responses, ...document.components?.responses },
    parameters: { ...SHARED_COMPONENTS.parameters, ...document.components?.parameters },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const key = String(operation.operationId).replace(/\[\d+\]$/, '');
      completeOperation({ path, verb, operation, handler: handlers.get(key) });
    }
  }
  return document;
}
