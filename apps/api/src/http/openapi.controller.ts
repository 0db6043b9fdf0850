import { Controller, Get, Header, Injectable, Param, Res, type INestApplication } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'express';
import { MasalaException, Public } from '#kernel';
import { buildOpenApiDocument } from './openapi.js';
import { SWAGGER_UI_ASSETS, SWAGGER_UI_HTML, SWAGGER_UI_INIT, swaggerUiAssetPath } from './swagger-ui.js';

/** The OpenAPI document, built once on first request from the application's routes. */
@Injectable()
export class OpenApiDocument {
  private app?: INestApplication;
  private document?: OpenAPIObject;

  attach(app: INestApplication): void {
    this.app = app;
  }

  get(): OpenAPIObject {
    if (!this.app) throw new Error('OpenApiDocument.attach(app) was not called');
    this.document ??= buildOpenApiDocument(this.app);
    return this.document;
  }
}

/** Swagger UI at /api/docs and the document at /api/docs-json, outside /api/v1. */
@ApiExcludeController()
@Controller('api')
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('docs-json')
  @Public()
  json(): OpenAPIObject {
    return this.document.get();
  }

  @Get('docs')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return SWAGGER_UI_HTML;
  }

  @Get('docs/:asset')
  @Public()
  asset(@Param('asset') asset: string, @Res() response: Response): void {
    if (asset === 'swagger-ui-init.js') {
      response.type('application/javascript; charset=utf-8').send(SWAGGER_UI_INIT);
      return;
    }
    const path = swaggerUiAssetPath(asset);
    if (!path) throw MasalaException.notFound('Documentation asset');
    response.type(SWAGGER_UI_ASSETS[asset]!).sendFile(path);
  }
}
