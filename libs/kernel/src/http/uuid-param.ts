import { ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';

/**
 * Validates a UUID route parameter and returns it in lowercase. UUIDs are case-insensitive
 * (RFC 9562, section 4), and every id is stored in the lowercase form `crypto.randomUUID()`
 * produces, so `/tickets/0F3A...` finds the same row as `/tickets/0f3a...`.
 */
export class UuidParamPipe extends ParseUUIDPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<string> {
    const id = await super.transform(value, metadata);
    return String(id).toLowerCase();
  }
}

/**
 * Builds the pipe for one kind of resource. An id that is not a UUID raises `notFound()`, so a
 * malformed id reads exactly like a missing resource.
 */
export function uuidParam(notFound: () => Error): UuidParamPipe {
  return new UuidParamPipe({ exceptionFactory: notFound });
}
