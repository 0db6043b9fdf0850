import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DatabaseRouter, Public } from '#kernel';
import { DomainCatalog } from '#tickets';

/** Liveness and readiness. Readiness checks the catalog database and the domain configuration. */
@Controller('health')
export class HealthController {
  private draining = false;

  constructor(
    private readonly router: DatabaseRouter,
    private readonly catalog: DomainCatalog,
  ) {}

  markDraining(): void {
    this.draining = true;
  }

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) response: Response) {
    const database = await this.router
      .catalog()
      .read('', (manager) => manager.query('SELECT 1 AS ok'))
      .then(() => 'ok' as const)
      .catch(() => 'unavailable' as const);
    const configuration = this.catalog.configurationFor('');
    const ready = database === 'ok' && !this.draining;
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ready' : 'not_ready',
      draining: this.draining,
      checks: {
        database,
        configuration: { status: 'ok', version: configuration.version, domains: configuration.domains.size },
      },
    };
  }
}
