import { Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { BODY_MEDIA_TYPES_KEY, ErrorCode, JSON_MEDIA_TYPES, MasalaException } from '#kernel';

/** Maximum length of the sent media type quoted in the error message. */
const MAX_QUOTED_TYPE_LENGTH = 100;

/**
 * Returns whether the request carries body bytes. A `Content-Length: 0` request, as some clients
 * send with an empty POST, counts as having no body whatever its Content-Type.
 */
export function hasRequestBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  return Number(request.headers['content-length']) > 0;
}

/**
 * Rejects a request whose body has a media type the route does not accept with 415: JSON unless
 * the route declares others with @AcceptsBody. Without this check the JSON parser skips such a
 * body, and the route validates an empty one.
 */
@Injectable()
export class MediaTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasRequestBody(request)) return true;
    const accepted =
      this.reflector.getAllAndOverride<string[] | undefined>(BODY_MEDIA_TYPES_KEY, [context.getHandler(), context.getClass()]) ??
      [...JSON_MEDIA_TYPES];
    if (request.is(accepted)) return true;

    const sent = request.headers['content-type']?.split(';')[0]?.trim().slice(0, MAX_QUOTED_TYPE_LENGTH);
    const message = sent
      ? `Content-Type ${sent} is not accepted here. Send the body as ${accepted.join(' or ')}.`
      : `Content-Type is missing. Send the body as ${accepted.join(' or ')}.`;
    throw new MasalaException(ErrorCode.UnsupportedMediaType, message, {
      errors: [{ field: 'content-type', rule: 'unsupported_media_type', message }],
      // Accept lists the media types the route takes, so a client can correct the request.
      headers: { Accept: accepted.join(', ') },
    });
  }
}

/**
 * Registers MediaTypeGuard globally. Nest runs global guards in the order of their modules, so
 * AppModule imports this module after the modules of the access and rate limit guards.
 */
@Module({ providers: [{ provide: APP_GUARD, useClass: MediaTypeGuard }] })
export class MediaTypeModule {}
