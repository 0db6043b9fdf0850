import { ExpressAdapter } from '@nestjs/platform-express';

type NotFoundHandlerArguments = Parameters<ExpressAdapter['setNotFoundHandler']>;

/**
 * Express adapter that also mounts Nest's not-found handler at the root. Nest 12.6 mounts it
 * only under the global prefix and on the excluded routes, so any other unmatched path (`/`,
 * `/health`, `//api/v1/tickets`) reached Express's final handler, which sends an HTML
 * "Cannot GET" page. Mounted at the root, the handler throws Nest's NotFoundException, which
 * the problem filter turns into a problem+json 404.
 */
export class RootNotFoundExpressAdapter extends ExpressAdapter {
  override setNotFoundHandler(...[handler, prefix, excludedRoutes]: NotFoundHandlerArguments): unknown {
    const mounted = super.setNotFoundHandler(handler, prefix, excludedRoutes);
    // Without a prefix, the base class has already mounted the handler at the root.
    if (prefix) this.use(handler);
    return mounted;
  }
}
