import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * IPv4 ranges a webhook must not reach: "this network", private (RFC 1918), shared address
 * space (RFC 6598), loopback, link-local (which contains the 169.254.169.254 metadata address
 * of the big clouds), IETF protocol assignments, documentation, benchmarking, multicast,
 * reserved and broadcast. Source: the IANA IPv4 Special-Purpose Address Registry.
 */
const BLOCKED_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/**
 * IPv6 ranges a webhook must not reach: unspecified, loopback, discard-only, documentation,
 * ORCHID, unique local (fc00::/7, which contains the fd00:ec2::254 metadata address), link-local,
 * site-local and multicast. IPv4-mapped, NAT64 and 6to4 addresses are checked by the IPv4 they embed.
 */
const BLOCKED_IPV6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2001:10::', 28],
  ['2001:20::', 28],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv4InRange(address: string, [base, bits]: readonly [string, number]): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(ipv4ToNumber(address) / size) === Math.floor(ipv4ToNumber(base) / size);
}

/** Parses an IPv6 address (with `::`, an embedded IPv4 tail or a zone id) into 128 bits. */
export function ipv6ToBigInt(address: string): bigint {
  let text = address.split('%')[0]!.toLowerCase();
  const ipv4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (ipv4Tail) {
    const value = ipv4ToNumber(ipv4Tail[1]!);
    text = `${text.slice(0, -ipv4Tail[1]!.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) + BigInt(parseInt(group || '0', 16)), 0n);
}

function ipv6InRange(value: bigint, [base, bits]: readonly [string, number]): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === ipv6ToBigInt(base) >> shift;
}

function embeddedIpv4(value: bigint): string | undefined {
  const low32 = Number(value & 0xffffffffn);
  const asText = () => [24, 16, 8, 0].map((shift) => (low32 >>> shift) & 255).join('.');
  if (value >> 32n === 0xffffn) return asText(); // ::ffff:a.b.c.d, IPv4-mapped
  if (value >> 32n === 0n && value > 1n) return asText(); // ::a.b.c.d, deprecated IPv4-compatible
  if (value >> 32n === ipv6ToBigInt('64:ff9b::') >> 32n) return asText(); // NAT64
  if (value >> 112n === 0x2002n) {
    const sixToFour = Number((value >> 80n) & 0xffffffffn); // 2002:AABB:CCDD::/48, 6to4
    return [24, 16, 8, 0].map((shift) => (sixToFour >>> shift) & 255).join('.');
  }
  return undefined;
}

/** Returns whether an IP address is loopback, private, link-local, metadata or otherwise not public. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return BLOCKED_IPV4.some((range) => ipv4InRange(address, range));
  if (family !== 6) return true;
  const value = ipv6ToBigInt(address);
  const embedded = embeddedIpv4(value);
  if (embedded !== undefined) return isBlockedAddress(embedded);
  return BLOCKED_IPV6.some((range) => ipv6InRange(value, range));
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((result) => ({ address: result.address, family: result.family === 6 ? 6 : 4 }));
};

export class BlockedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, a loopback, private, link-local or metadata address`);
  }
}

export class UnresolvableHostError extends Error {
  constructor(readonly hostname: string, cause: unknown) {
    super(`${hostname} could not be resolved`, { cause });
  }
}

/**
 * Resolves a host name and checks every address it has, so a name with one public and one
 * private address is rejected too. Returns the addresses to connect to. The caller must connect
 * to one of them without resolving again, because DNS rebinding could swap in another address.
 */
export async function resolvePermittedAddresses(
  hostname: string,
  allowPrivate: boolean,
  resolver: HostResolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(literal);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: literal, family: family as 4 | 6 }];
  } else {
    try {
      addresses = await resolver(hostname);
    } catch (error) {
      throw new UnresolvableHostError(hostname, error);
    }
    if (addresses.length === 0) throw new UnresolvableHostError(hostname, undefined);
  }
  if (!allowPrivate) {
    const blocked = addresses.find((candidate) => isBlockedAddress(candidate.address));
    if (blocked) throw new BlockedAddressError(hostname, blocked.address);
  }
  return addresses;
}
