import { describe, expect, it } from '@jest/globals';
import { BlockedAddressError, isBlockedAddress, resolvePermittedAddresses, UnresolvableHostError } from './address-policy.js';

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fd00:ec2::254',
    'fc00::5',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
    '2001:db8::1',
    'not-an-address',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isBlockedAddress(address)).toBe(false);
    },
  );
});

describe('resolvePermittedAddresses', () => {
  const resolver = (addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));

  it('rejects a name with any private address', async () => {
    await expect(resolvePermittedAddresses('mixed.example', false, resolver(['93.184.216.34', '10.0.0.7']))).rejects.toBeInstanceOf(
      BlockedAddressError,
    );
  });

  it('rejects a private literal without resolving', async () => {
    const never = async () => {
      throw new Error('must not resolve');
    };
    await expect(resolvePermittedAddresses('[::1]', false, never)).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(resolvePermittedAddresses('169.254.169.254', false, never)).rejects.toBeInstanceOf(BlockedAddressError);
  });

  it('allows private addresses when the operator does', async () => {
    const addresses = await resolvePermittedAddresses('localhost', true, resolver(['127.0.0.1']));
    expect(addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('reports a name that does not resolve', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(resolvePermittedAddresses('nowhere.invalid', false, failing)).rejects.toBeInstanceOf(UnresolvableHostError);
  });
});
