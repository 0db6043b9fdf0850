import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity } from '@nestjs/swagger';
import type { Response } from 'express';
import { MASALA_SETTINGS, Public, type MasalaSettings } from '#kernel';
import { assertMetricsAccess } from './metrics-access.js';
import { MasalaMetrics } from './masala-metrics.js';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MasalaMetrics,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format. Requires `Authorization: Bearer <MASALA_METRICS_TOKEN>`; answers 404 when ' +
      'metrics are disabled or served on MASALA_METRICS_PORT instead.',
  })
  @ApiSecurity('metricsToken')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    assertMetricsAccess(this.settings, authorization);
    response.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
