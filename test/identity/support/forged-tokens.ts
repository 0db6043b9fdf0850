import { createHmac } from 'node:crypto';

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs a JWT by hand, so a test controls every header and claim, including wrong ones. */
export function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: Buffer | string): string {
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createHmac('sha256', key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Builds an unsigned JWT with `alg: none`, which libraries that trust the header accept. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

/** Decodes a JWT payload without checking it, to copy real claims into forged tokens. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
