import { Catch, HttpException, HttpStatus, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AccessDenialRecorder } from '#audit';
import { scrubPersonalData } from '#compliance';
import {
  CrossTenantAccessError,
  ErrorCode,
  MasalaException,
  RequestContext,
  TenantMismatchError,
  type FieldError,
} from '#kernel';
import { requestStateOf } from './request-observer.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors: FieldError[];
  [extension: string]: unknown;
}

export function statusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.Conflict:
    case ErrorCode.WorkflowViolation:
      return HttpStatus.CONFLICT;
    case ErrorCode.PreconditionFailed:
      return HttpStatus.PRECONDITION_FAILED;
    case ErrorCode.PreconditionRequired:
      return HttpStatus.PRECONDITION_REQUIRED;
    case ErrorCode.Unauthenticated:
    case ErrorCode.TwoFactorRequired:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.Forbidden:
    case ErrorCode.TenantSuspended:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.RateLimited:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.PayloadTooLarge:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.UnsupportedMediaType:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case ErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Builds an RFC 9457 problem document. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors: FieldError[] = [],
  extensions: Record<string, unknown> = {},
): ProblemDocument {
  return {
    type: `urn:ticket-masala:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    errors,
    ...extensions,
    correlationId: RequestContext.find()?.correlationId,
  };
}

/**
 * The one exception filter: maps context exceptions by code, framework exceptions by status, and
 * everything else to a generic 500 that is logged once with the correlation id and never shows
 * a stack trace or internal message to the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(@Optional() private readonly denials?: AccessDenialRecorder) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const { document, headers } = this.toProblem(exception, request);
    // Requests that match no Nest route never enter the request context.
    document.correlationId ??= requestStateOf(request, response).correlationId;
    // Denied requests (403, cross-tenant, lookup misses) go to the audit trail before the answer.
    await this.denials?.recordIfDenied(exception, document.status, request);
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(document.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(document));
  }

  private toProblem(exception: unknown, request: Request): { document: ProblemDocument; headers: Record<string, string> } {
    if (exception instanceof MasalaException) {
      const status = statusFor(exception.code);
      return {
        document: problem(status, exception.code, exception.message, exception.details.errors, exception.details.extensions),
        headers: exception.details.headers ?? {},
      };
    }
    if (exception instanceof CrossTenantAccessError || exception instanceof TenantMismatchError) {
      this.logger.warn({ message: 'Blocked cross-tenant access', error: exception.message });
      return { document: problem(404, ErrorCode.NotFound, 'Not found'), headers: {} };
    }
    if (exception instanceof HttpException) {
      return { document: this.fromHttpException(exception, request), headers: {} };
    }
    const bodyParserError = this.fromBodyParser(exception);
    if (bodyParserError) return { document: bodyParserError, headers: {} };

    // Error messages can quote request data, so detected personal data is scrubbed from the log.
    this.logger.error({
      message: 'Unhandled error',
      error: scrubPersonalData(exception instanceof Error ? exception.message : String(exception)).text,
      stack: exception instanceof Error && exception.stack ? scrubPersonalData(exception.stack).text : undefined,
      method: request.method,
      route: request.route?.path,
    });
    return { document: problem(500, 'internal_error', 'An unexpected error occurred; quote the correlation id when reporting it'), headers: {} };
  }

  private fromHttpException(exception: HttpException, request: Request): ProblemDocument {
    const status = exception.getStatus();
    // Express raises URIError for a path parameter whose percent-encoding is not UTF-8 (%C0%AF).
    if (exception.cause instanceof URIError) {
      const message = 'every % in the path must begin a %XX escape, and the escapes must decode as UTF-8';
      return problem(400, ErrorCode.ValidationFailed, 'The request path contains an invalid percent-encoding', [
        { field: 'path', rule: 'uri_encoding', message },
      ]);
    }
    const parserError = this.fromBodyParser(exception.cause);
    if (parserError) return parserError;
    if (status === 400 && /JSON/.test(exception.message)) return this.fromBodyParser({ type: 'entity.parse.failed' })!;
    if (status === 404) {
      const path = request.originalUrl.split('?')[0];
      return problem(404, 'not_found', `No route for ${request.method} ${path}`);
    }
    if (status === 429) return problem(429, ErrorCode.RateLimited, 'Too many requests; retry after the time in Retry-After');
    const detail = status >= 500 ? 'An unexpected error occurred' : exception.message;
    return problem(status, `http_${status}`, detail);
  }

  private fromBodyParser(exception: unknown): ProblemDocument | undefined {
    const error = exception as { type?: string; status?: number; limit?: number };
    if (error?.type === 'entity.parse.failed') {
      return problem(400, ErrorCode.ValidationFailed, 'The body is not valid JSON', [
        { field: 'body', rule: 'json', message: 'the body must be valid JSON' },
      ]);
    }
    if (error?.type === 'entity.too.large') {
      const message = `the body must not exceed ${error.limit} bytes`;
      return problem(413, ErrorCode.PayloadTooLarge, `The body exceeds the limit of ${error.limit} bytes`, [
        { field: 'body', rule: 'max_bytes', message },
      ]);
    }
    if (error?.type === 'charset.unsupported') {
      return problem(415, ErrorCode.UnsupportedMediaType, 'The body must be UTF-8 encoded JSON', [
        { field: 'content-type', rule: 'charset', message: 'the charset parameter must be utf-8, or left out' },
      ]);
    }
    if (error?.type === 'encoding.unsupported') {
      const message = 'send the body uncompressed, or compressed with gzip, deflate or br';
      return problem(415, ErrorCode.UnsupportedMediaType, `The body's content coding is not supported`, [
        { field: 'content-encoding', rule: 'unsupported_encoding', message },
      ]);
    }
    if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
      return problem(error.status, `http_${error.status}`, 'The request could not be read', [
        { field: 'body', rule: 'readable', message: 'the body could not be read in full' },
      ]);
    }
    return undefined;
  }
}
