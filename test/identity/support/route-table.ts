import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { ROUTE_ACCESS_KEY, type RouteAccess } from '#kernel';
import { API_PREFIX, ROOT_ROUTES } from '../../../apps/api/src/app.factory.js';

/** One HTTP route of the application with the access it declares (undefined when it declares none). */
export interface RouteEntry {
  method: string;
  path: string;
  access: RouteAccess | undefined;
  controller: string;
  handler: string;
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${joined}`;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [value === undefined ? '' : String(value)];
}

/**
 * Lists every route of every Nest controller in the application, read from the same metadata
 * that Nest registers routes from, with the global prefix applied as the app applies it.
 */
export function nestRoutes(app: INestApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const handlerName of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[handlerName];
        if (handlerName === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const access =
          (Reflect.getMetadata(ROUTE_ACCESS_KEY, handler) as RouteAccess | undefined) ??
          (Reflect.getMetadata(ROUTE_ACCESS_KEY, controller) as RouteAccess | undefined);
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const own of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            const local = joinPath(base, own);
            const excluded = ROOT_ROUTES.some((root) => joinPath(root) === local);
            routes.push({
              method: RequestMethod[method],
              path: excluded ? local : joinPath(API_PREFIX, local),
              access,
              controller: controller.name,
              handler: handlerName,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

type ExpressLayer = { route?: { path: string | string[]; methods: Record<string, boolean> } };

/**
 * Nest binds each middleware as a route for every HTTP method Express supports (35 on Node 20),
 * while a handler route names one method. Layers with more methods than this are middleware.
 */
const MIDDLEWARE_METHOD_COUNT = 10;

/** Lists the handler routes registered on the Express router, by Nest or by anything else. */
export function expressRoutes(app: INestApplication): Array<{ method: string; path: string }> {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] } };
  const stack = express.router?.stack ?? [];
  return stack.flatMap((layer) => {
    if (!layer.route || Object.keys(layer.route.methods).length > MIDDLEWARE_METHOD_COUNT) return [];
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const methods = Object.keys(layer.route.methods).map((method) => method.toUpperCase());
    return paths.flatMap((path) => methods.map((method) => ({ method: method === '_ALL' ? 'ALL' : method, path })));
  });
}
