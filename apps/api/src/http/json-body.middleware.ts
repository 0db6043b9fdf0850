import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MasalaException } from '#kernel';

export const MAX_JSON_BODY_BYTES = 256 * 1024;
/** Deeper bodies are rejected before validation, whose recursion would otherwise overflow the stack. */
export const MAX_JSON_DEPTH = 32;

const parseJson = express.json({
  limit: MAX_JSON_BODY_BYTES,
  strict: true,
  type: ['application/json', 'application/*+json'],
});

/** Returns whether a parsed JSON value nests deeper than `limit`, walking it without recursion. */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** JSON body parsing inside Nest's middleware chain, so parse errors reach the problem filter. */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    parseJson(request, response, (error?: unknown) => {
      if (error) return next(error);
      if (exceedsDepth(request.body, MAX_JSON_DEPTH)) {
        return next(
          MasalaException.validation([
            { field: 'body', rule: 'max_depth', message: `the body must not nest deeper than ${MAX_JSON_DEPTH} levels` },
          ]),
        );
      }
      next();
    });
  }
}
