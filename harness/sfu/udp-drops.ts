// Kernel drops per local UDP port, from /proc/net/udp and /proc/net/udp6 (Linux; the last column, "drops",
// counts datagrams the kernel discarded for that socket, mostly a full receive buffer). The SFU reports the
// drops on its own sockets so that loss the harness caused is never mistaken for the scenario's.

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

/** This network namespace's drops by local port, or null where /proc/net/udp cannot be read (not Linux). */
export function readUdpDrops(): Map<number, number> | null {
  let any = false;
  const drops = new Map<number, number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
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
