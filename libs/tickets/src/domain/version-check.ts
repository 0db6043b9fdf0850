import { describeExpectedVersion, ErrorCode, MasalaException, versionMatches, type ExpectedVersion } from '#kernel';

/** Rejects a change made against an older version of the resource (optimistic concurrency). */
export function assertVersion(resource: { version: number }, expected: ExpectedVersion | undefined): void {
  if (expected !== undefined && !versionMatches(expected, resource.version)) {
    throw new MasalaException(
      ErrorCode.PreconditionFailed,
      `The resource has changed: its version is ${resource.version}, If-Match named ${describeExpectedVersion(expected)}`,
      { extensions: { currentVersion: resource.version } },
    );
  }
}
