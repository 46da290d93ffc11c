// The kernel's per-socket drop counter: the table parser, and the reader against a socket the kernel really drops on.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { parseUdpDrops, readUdpDrops } from '../../harness/net/udp-drops.ts';

// Rows as Linux 6.x prints them (the header, an IPv4 and an IPv6 socket, two sockets sharing a port).
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 0100007F:C6ED 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1136319 2 0000000000000000 1065
  124: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1136320 2 0000000000000000 0
  125: 0200007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1136321 2 0000000000000000 4
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  300: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0000000000000000 7
`;

describe('parseUdpDrops', () => {
  test('drops by local port, IPv4 and IPv6, sockets on one port summed, the header skipped', () => {
    expect(parseUdpDrops(UDP)).toEqual(new Map([[0xc6ed, 1065], [0x35, 4]]));
    expect(parseUdpDrops(UDP6)).toEqual(new Map([[8080, 7]]));
    expect(parseUdpDrops('')).toEqual(new Map());
    expect(parseUdpDrops('garbage\nnot a row')).toEqual(new Map());
  });
});

describe.skipIf(readUdpDrops() === null)('readUdpDrops on this kernel', () => {
  test('counts the datagrams a full receive buffer refused on a real socket', async () => {
    const rx: Socket = createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
    rx.setRecvBufferSize(4096); // the kernel's minimum: a few datagrams fit
    const port = rx.address().port;
    expect(readUdpDrops()!.get(port)).toBe(0);
    // A worker sends while this thread is busy and reads nothing: the buffer fills and the kernel drops the rest.
    // The worker raises a shared flag when all 200 are out; this thread spins on it (it cannot take messages).
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { createSocket } = require('node:dgram'); const { workerData } = require('node:worker_threads');
       const s = createSocket('udp4'); let n = 0; const buf = Buffer.alloc(1000);
       const next = () => { if (n++ === 200) { Atomics.store(workerData.done, 0, 1); s.close(); return; } s.send(buf, workerData.port, '127.0.0.1', next); };
       next();`,
      { eval: true, workerData: { port, done } },
    );
    const deadline = performance.now() + 20_000;
    while (Atomics.load(done, 0) === 0 && performance.now() < deadline) {
      // Busy: rx is not read until this returns.
    }
    expect(Atomics.load(done, 0)).toBe(1);
    await worker.terminate();
    const dropped = readUdpDrops()!.get(port) ?? 0;
    rx.close();
    expect(dropped).toBeGreaterThan(100);
    expect(dropped).toBeLessThanOrEqual(200);
  });
});
