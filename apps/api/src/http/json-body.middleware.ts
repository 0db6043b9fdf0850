import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { JSON_MEDIA_TYPES, MasalaException } from '#kernel';

export const MAX_JSON_BODY_BYTES = 256 * 1024;
/** Deeper bodies are rejected before validation, whose recursion would otherwise overflow the stack. */
export const MAX_JSON_DEPTH = 32;

/** Raised from `verify` for body bytes that are not UTF-8. body-parser passes the same object on. */
class InvalidUtf8Error extends Error {}

/** Raised from `verify` for a charset other than UTF-8, mapped to 415 by the problem filter. */
class UnsupportedCharsetError extends Error {
  readonly type = 'charset.unsupported';
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks the raw bytes before body-parser decodes them, because iconv-lite replaces invalid
 * UTF-8 with U+FFFD and the replaced text would be stored as if the client had sent it. JSON
 * between systems must be UTF-8 (RFC 8259, section 8.1), so the UTF-16 and UTF-32 charsets
 * that body-parser would also decode are rejected.
 */
function verifyUtf8(_request: unknown, _response: unknown, body: Buffer, charset: string): void {
  if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedCharsetError(`charset ${charset}`);
  try {
    UTF8.decode(body);
  } catch {
    throw new InvalidUtf8Error('the body is not valid UTF-8');
  }
}

const parseJson = express.json({
  limit: MAX_JSON_BODY_BYTES,
  strict: true,
  type: [...JSON_MEDIA_TYPES],
  verify: verifyUtf8,
});

/** Keys that reach Object.prototype when a body is merged into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type BodyProblem = { rule: string; message: string };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(text: string, what: string): BodyProblem | undefined {
  // A lone UTF-16 surrogate cannot be stored as UTF-8: SQLite would keep U+FFFD instead, so the
  // stored value would differ from the one acknowledged.
  if (LONE_SURROGATE.test(text)) return { rule: 'utf8', message: `${what} contains an unpaired UTF-16 surrogate` };
  if (text.includes('\u0000')) return { rule: 'control_character', message: `${what} contains a NUL character` };
  return undefined;
}

/**
 * Finds the first reason to reject a parsed JSON body: nesting deeper than `maxDepth`, a key that
 * could pollute prototypes, or text that cannot be stored as given. Walks without recursion.
 */
export function findBodyProblem(value: unknown, maxDepth: number): BodyProblem | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      const problem = checkText(node, 'a string value');
      if (problem) return problem;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) {
      return { rule: 'max_depth', message: `the body must not nest deeper than ${maxDepth} levels` };
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (FORBIDDEN_KEYS.has(key)) return { rule: 'forbidden_key', message: `property ${key} is not allowed` };
      const problem = checkText(key, 'a property name');
      if (problem) return problem;
      stack.push({ node: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Returns whether a body-parser error comes from decompressing the body. body-parser 2 passes
 * zlib's error on with status 400 and no `type`, while its own errors (size, abort, charset)
 * carry one.
 */
function isDecodingError(error: unknown, request: Request): boolean {
  const coding = request.headers['content-encoding']?.trim().toLowerCase() ?? 'identity';
  const failure = error as { status?: number; type?: string };
  return coding !== 'identity' && failure.status === 400 && failure.type === undefined;
}

/** JSON body parsing inside Nest's middleware chain, so parse errors reach the problem filter. */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    parseJson(request, response, (error?: unknown) => {
      if (error && isDecodingError(error, request)) {
        const coding = request.headers['content-encoding']!.trim().slice(0, 32);
        return next(
          MasalaException.validation([
            { field: 'content-encoding', rule: 'decoding', message: `the body could not be decoded as ${coding}` },
          ]),
        );
      }
      if (error instanceof InvalidUtf8Error) {
        return next(
          MasalaException.validation([{ field: 'body', rule: 'utf8', message: 'the body contains bytes that are not valid UTF-8' }]),
        );
      }
      if (error) return next(error);
      const problem = findBodyProblem(request.body, MAX_JSON_DEPTH);
      if (problem) return next(MasalaException.validation([{ field: 'body', ...problem }]));
      next();
    });
  }
}
