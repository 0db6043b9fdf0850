import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Lists every HTTP route the running application serves, from the Express router. */
export function listRoutes(app: INestApplication): AppRoute[] {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] } };
  const stack = instance.router?.stack ?? [];
  const routes: AppRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && ['get', 'post', 'put', 'patch', 'delete'].includes(method)) {
          routes.push({ method: method as AppRoute['method'], path });
        }
      }
    }
  }
  return routes;
}

/** Fills the `:param` segments of a route path with the given values, or a fresh UUID. */
export function fillPath(path: string, values: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? crypto.randomUUID());
}
