import { SetMetadata } from '@nestjs/common';

/** Body media types every route accepts unless it declares others with @AcceptsBody. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'] as const;

export const BODY_MEDIA_TYPES_KEY = 'masala:body-media-types';

/**
 * Declares the media types a route accepts as its request body, in place of JSON. A request
 * with a body of any other type gets 415 before the route's own guards run.
 */
export const AcceptsBody = (...mediaTypes: string[]) => SetMetadata(BODY_MEDIA_TYPES_KEY, mediaTypes);
