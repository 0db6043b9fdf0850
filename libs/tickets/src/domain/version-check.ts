import { ErrorCode, MasalaException } from '#kernel';

/** Rejects a change made against an older version of the resource (optimistic concurrency). */
export function assertVersion(resource: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && resource.version !== expected) {
    throw new MasalaException(
      ErrorCode.PreconditionFailed,
      `The resource has changed: its version is ${resource.version}, If-Match named ${expected}`,
      { extensions: { currentVersion: resource.version } },
    );
  }
}
