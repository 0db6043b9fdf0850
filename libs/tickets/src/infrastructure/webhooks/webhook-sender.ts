import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { BlockedAddressError, resolvePermittedAddresses, UnresolvableHostError, type HostResolver, type ResolvedAddress } from './address-policy.js';

/** Cause of a failed delivery attempt; `blocked` and `redirect` are not retried. */
export type SendFailure = 'blocked' | 'unresolvable' | 'redirect' | 'status' | 'network' | 'timeout';

export type SendResult =
  | { ok: true; statusCode: number }
  | { ok: false; failure: SendFailure; statusCode?: number; message: string };

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  signal?: AbortSignal;
  resolver?: HostResolver;
}

/** Bytes of a response body read before the connection is dropped, because only the status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** A lookup that returns the already checked address, so the socket cannot reach another one. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}

/**
 * POSTs one webhook body. The host is resolved and every address checked before connecting
 * (unless the operator allows private addresses), and the socket is pinned to the checked
 * address. Redirects are never followed, because the next hop could be an internal address.
 */
export async function sendWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<SendResult> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolvePermittedAddresses(url.hostname, options.allowPrivate, options.resolver);
  } catch (error) {
    if (error instanceof BlockedAddressError) return { ok: false, failure: 'blocked', message: error.message };
    if (error instanceof UnresolvableHostError) return { ok: false, failure: 'unresolvable', message: error.message };
    throw error;
  }

  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    lookup: pinnedLookup(addresses[0]!),
    agent: false,
    timeout: options.timeoutMs,
    signal: options.signal,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<SendResult>((resolve) => {
    const request = send(url, requestOptions, (response: IncomingMessage) => {
      const statusCode = response.statusCode ?? 0;
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) response.destroy();
      });
      response.on('error', () => undefined);
      response.resume();
      if (statusCode >= 200 && statusCode < 300) resolve({ ok: true, statusCode });
      else if (statusCode >= 300 && statusCode < 400) {
        const message = `the receiver responded ${statusCode}, a redirect, which is not followed; use the final URL`;
        resolve({ ok: false, failure: 'redirect', statusCode, message });
      } else resolve({ ok: false, failure: 'status', statusCode, message: `the receiver responded ${statusCode}` });
    });
    request.on('timeout', () => {
      request.destroy();
      resolve({ ok: false, failure: 'timeout', message: `no response within ${options.timeoutMs} ms` });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ ok: false, failure: 'network', message: `request failed: ${error.code ?? error.message}` });
    });
    request.end(body);
  });
}
