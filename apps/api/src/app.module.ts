import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { AuditModule } from '#audit';
import { ComplianceModule } from '#compliance';
import { IdentityModule, type MailPort } from '#identity';
import {
  KernelModule,
  MasalaException,
  VALIDATOR_OPTIONS,
  toFieldErrors,
  type KernelOptions,
  type MasalaSettings,
} from '#kernel';
import { TenancyModule } from '#tenancy';
import { TicketsModule } from '#tickets';
import { EncryptionWiring } from './data-protection/encryption-wiring.js';
import { CorsMiddleware } from './http/cors.middleware.js';
import { PrincipalRateLimitModule, RateLimitModule } from './http/rate-limit.module.js';
import { HealthController } from './health/health.controller.js';
import { JsonBodyMiddleware } from './http/json-body.middleware.js';
import { MediaTypeModule } from './http/media-type.guard.js';
import { ProblemFilter } from './http/problem.filter.js';
import { RequestContextMiddleware } from './http/request-context.middleware.js';
import { MASALA_SCHEMA } from './schema.js';

@Module({})
export class AppModule implements NestModule {
  /**
   * `hooks.onWriteWait` receives the SQLite write-queue wait of every write, for metrics;
   * `hooks.mail` replaces the log adapter that identity's e-mail goes to by default.
   */
  static forRoot(
    settings: MasalaSettings,
    hooks: Pick<KernelOptions, 'onWriteWait'> & { mail?: MailPort } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KernelModule.forRoot({ settings, schema: MASALA_SCHEMA, onWriteWait: hooks.onWriteWait }),
        TenancyModule,
        // Before IdentityModule, so the address rate limit runs before the access guard.
        RateLimitModule,
        IdentityModule.register({ mail: hooks.mail }),
        AuditModule,
        TicketsModule,
        ComplianceModule,
        // After IdentityModule, so the client and tenant rate limits read the verified caller.
        PrincipalRateLimitModule,
        // Last, so a body of the wrong media type is rejected after the access and rate limit
        // guards but before route guards, such as the login's, read the body.
        MediaTypeModule,
      ],
      controllers: [HealthController],
      providers: [
        EncryptionWiring,
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            ...VALIDATOR_OPTIONS,
            transform: true,
            exceptionFactory: (errors) => MasalaException.validation(toFieldErrors(errors)),
          }),
        },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RequestContextMiddleware, CorsMiddleware, JsonBodyMiddleware)
      .forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
