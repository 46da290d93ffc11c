import { describe, expect, it } from 'vitest';
import { checkRelayAddress, isLoopbackAddress, parseHostPort, RelayAddressError } from '../../harness/relay/bind-policy.ts';

describe('relay address policy', () => {
  it('accepts loopback only, and the namespace addresses it is given', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.20', '8.8.8.8', '::ffff:10.0.0.1', 'fe80::1']) expect(isLoopbackAddress(a)).toBe(false);
    expect(checkRelayAddress('localhost', 'bind address')).toBe('127.0.0.1');
    expect(checkRelayAddress('198.18.0.2', 'bind address', ['198.18.0.2'])).toBe('198.18.0.2');
  });

  it('refuses everything else with a message naming the rule', () => {
    for (const a of ['0.0.0.0', '::', '192.168.1.20', '8.8.8.8']) {
      expect(() => checkRelayAddress(a, 'bind address')).toThrow(RelayAddressError);
      expect(() => checkRelayAddress(a, 'bind address')).toThrow(/only on loopback/);
    }
    expect(() => checkRelayAddress('example.com', 'target')).toThrow(/resolves no names/);
    expect(() => checkRelayAddress('198.18.0.3', 'target', ['198.18.0.2'])).toThrow(/198\.18\.0\.2/);
  });

  it('parses HOST:PORT and [v6]:PORT', () => {
    expect(parseHostPort('127.0.0.1:5201', 'forward')).toEqual({ host: '127.0.0.1', port: 5201 });
    expect(parseHostPort('[::1]:80', 'forward')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort('localhost:9', 'forward')).toEqual({ host: '127.0.0.1', port: 9 });
    expect(() => parseHostPort('127.0.0.1', 'forward')).toThrow(/HOST:PORT/);
    expect(() => parseHostPort('127.0.0.1:0', 'forward')).toThrow(/1\.\.65535/);
    expect(() => parseHostPort('10.1.2.3:80', 'forward')).toThrow(/refusing 10\.1\.2\.3/);
  });
});
