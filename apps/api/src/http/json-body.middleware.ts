import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

export const MAX_JSON_BODY_BYTES = 256 * 1024;

const parseJson = express.json({ limit: MAX_JSON_BODY_BYTES, strict: true, type: ['application/json', 'application/*+json'] });

/** JSON body parsing inside Nest's middleware chain, so parse errors reach the problem filter. */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    parseJson(request, response, next);
  }
}
