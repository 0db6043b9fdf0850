import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from '#audit';
import { TenancyModule } from '#tenancy';
import { MetricsController } from './metrics.controller.js';
import { MetricsWiring } from './metrics-wiring.js';
import { MasalaMetrics } from './masala-metrics.js';

/**
 * Provides the instance's MasalaMetrics to every module (global), so code that needs a counter,
 * such as a rate limiter, injects MasalaMetrics and calls its record methods.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: MasalaMetrics): DynamicModule {
    return {
      module: MetricsModule,
      imports: [AuditModule, TenancyModule],
      controllers: [MetricsController],
      providers: [{ provide: MasalaMetrics, useValue: metrics }, MetricsWiring],
      exports: [MasalaMetrics],
    };
  }
}
