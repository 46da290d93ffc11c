// The relay's one safety rule: it binds and forwards only on loopback or on addresses the harness created
// inside its own network namespaces. Anything else (0.0.0.0, a LAN or public address) is refused.
import { isIP } from 'node:net';

export class RelayAddressError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'RelayAddressError';
  }
}

export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.split('.')[0] === '127';
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    return mapped !== null && isLoopbackAddress(mapped[1]);
  }
  return false;
}

/**
 * Returns the IP literal the relay may use for `address` ('localhost' means 127.0.0.1), or throws a
 * RelayAddressError naming the rule. `allowed` lists namespace addresses the harness set up itself.
 */
export function checkRelayAddress(address: string, role: string, allowed: readonly string[] = []): string {
  const literal = address === 'localhost' ? '127.0.0.1' : address;
  if (isIP(literal) === 0) {
    throw new RelayAddressError(`relay ${role}: expected an IP address or "localhost", got "${address}" (the relay resolves no names)`);
  }
  if (isLoopbackAddress(literal) || allowed.includes(literal)) return literal;
  throw new RelayAddressError(
    `relay ${role}: refusing ${address}: the relay binds and forwards only on loopback (127.0.0.0/8, ::1)` +
      (allowed.length ? ` or the namespace addresses ${allowed.join(', ')}` : ' or namespace addresses the harness created'),
  );
}

/** "HOST:PORT" or "[v6]:PORT" -> parts; the host is checked by checkRelayAddress. */
export function parseHostPort(text: string, role: string, allowed: readonly string[] = []): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new RelayAddressError(`relay ${role}: expected HOST:PORT (e.g. 127.0.0.1:5201), got "${text}"`);
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new RelayAddressError(`relay ${role}: expected a port 1..65535, got "${m[2]}"`);
  return { host: checkRelayAddress(m[1], role, allowed), port };
}

export function checkPort(port: number, role: string, allowZero: boolean): number {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RelayAddressError(`relay ${role}: expected a port ${allowZero ? 0 : 1}..65535, got ${port}`);
  }
  return port;
}
