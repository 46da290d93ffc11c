// Kernel drops per local UDP port, from /proc/net/udp and /proc/net/udp6 (Linux; the last column, "drops",
// counts datagrams the kernel discarded for that socket, mostly a full receive buffer). The SFU and the relay
// report the drops on their own sockets so that loss the harness caused is never mistaken for the scenario's.

import { readFileSync } from 'node:fs';

/** Drops by local port in one /proc/net/udp{,6} table (sockets sharing a port are summed). */
export function parseUdpDrops(table: string): Map<number, number> {
  const drops = new Map<number, number>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const portHex = fields[1].split(':')[1];
    const port = Number.parseInt(portHex ?? '', 16);
    const dropped = Number(fields[fields.length - 1]);
    if (!Number.isFinite(port) || !Number.isFinite(dropped)) continue;
    drops.set(port, (drops.get(port) ?? 0) + dropped);
  }
  return drops;
}

/**
 * This network namespace's drops by local port, or null where /proc/net/udp cannot be read (not Linux).
 * family 4 or 6 reads only that table (a relay bound to 127.0.0.1 need not count an IPv6 socket on the same port number).
 */
export function readUdpDrops(family?: 4 | 6): Map<number, number> | null {
  let any = false;
  const drops = new Map<number, number>();
  const files = family === 4 ? ['/proc/net/udp'] : family === 6 ? ['/proc/net/udp6'] : ['/proc/net/udp', '/proc/net/udp6'];
  for (const file of files) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    any = true;
    for (const [port, n] of parseUdpDrops(table)) drops.set(port, (drops.get(port) ?? 0) + n);
  }
  return any ? drops : null;
}
