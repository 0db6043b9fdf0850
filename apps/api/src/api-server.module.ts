import { Module, type DynamicModule } from '@nestjs/common';
import type { MailPort } from '#identity';
import type { MasalaSettings } from '#kernel';
import { AppModule } from './app.module.js';
import { OpenApiModule } from './http/openapi.module.js';
import { RequestLifecycle } from './lifecycle/request-lifecycle.js';
import { MasalaMetrics } from './metrics/masala-metrics.js';
import { MetricsModule } from './metrics/metrics.module.js';

/**
 * The HTTP server: the application plus what only a listening API needs (metrics, the OpenAPI
 * document and the request lifecycle). The CLI boots AppModule alone.
 */
@Module({})
export class ApiServerModule {
  static forRoot(
    settings: MasalaSettings,
    parts: { metrics: MasalaMetrics; lifecycle: RequestLifecycle; mail?: MailPort },
  ): DynamicModule {
    return {
      module: ApiServerModule,
      imports: [
        AppModule.forRoot(settings, {
          onWriteWait: (milliseconds) => parts.metrics.observeWriteWait(milliseconds),
          mail: parts.mail,
        }),
        MetricsModule.forRoot(parts.metrics),
        OpenApiModule,
      ],
      providers: [{ provide: RequestLifecycle, useValue: parts.lifecycle }],
      exports: [RequestLifecycle],
    };
  }
}
