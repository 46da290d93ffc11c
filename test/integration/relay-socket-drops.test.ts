// The relay counts what the kernel drops on its own sockets. The relay's code (RelayCore, as its worker runs it)
// runs here in the test's thread, which then stalls in spawnSync while a child process floods the client-facing
// socket with far more than its 4 MiB receive buffer holds: the overflow never reaches the relay, and must show as
// `socketDrops` (exactly sent - read) and as `droppedSocket` in the timeline, not vanish.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, test } from 'vitest';
import { readUdpDrops } from '../../harness/net/udp-drops.ts';
import { RelayCore } from '../../harness/relay/relay-core.ts';
import type { RelayTimelineSample } from '../../harness/relay/types.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const DATAGRAMS = 20_000;
const BYTES = 1000; // 20 MB in all: several times any receive buffer Linux grants (rmem_max doubled)

const SENDER = `
const dgram = require('node:dgram');
const [port, n, size] = process.argv.slice(1).map(Number);
const s = dgram.createSocket('udp4');
const buf = Buffer.alloc(size, 7);
let sent = 0, errors = 0;
const next = () => {
  if (sent + errors === n) { s.close(); process.stdout.write(JSON.stringify({ sent, errors })); return; }
  s.send(buf, port, '127.0.0.1', (err) => { if (err) errors++; else sent++; next(); });
};
s.bind(0, '127.0.0.1', next);
`;

const settle = async (get: () => number) => {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const n = get();
    if (n === last) return;
    last = n;
  }
};

describe.skipIf(readUdpDrops() === null)('relay: kernel drops on its own sockets', () => {
  test('a stalled relay: the overflow is counted per direction, exactly, in counters and timeline', async () => {
    const target = createSocket('udp4');
    await new Promise<void>((r) => target.bind(0, '127.0.0.1', r));
    const samples: RelayTimelineSample[] = [];
    const core = new RelayCore(
      {
        scenario: simpleScenario({ capacity: { kind: 'constant', bps: 1e9 }, delayMs: 0 }),
        seed: 1,
        bindAddress: '127.0.0.1',
        allowedAddresses: [],
        spinMs: 1.5,
        busyWaitMs: 0.15,
        tcpMssBytes: 1460,
        tcpResetAfterMs: 30_000,
        udpFlowIdleMs: 120_000,
        tcpHandshake: true,
        priority: 'normal',
        t0Ns: process.hrtime.bigint(),
      },
      { samples: (s) => samples.push(...s), addressChange: () => undefined },
    );
    try {
      const mapping = await core.addUdp(0, { host: '127.0.0.1', port: (target.address() as { port: number }).port });
      // The relay's thread (this one) reads nothing while the child sends: the stall.
      const child = spawnSync(process.execPath, ['-e', SENDER, String(mapping.port), String(DATAGRAMS), String(BYTES)], { encoding: 'utf8', timeout: 30_000 });
      expect(child.status).toBe(0);
      const { sent, errors } = JSON.parse(child.stdout) as { sent: number; errors: number };
      expect(errors).toBe(0);
      await settle(() => core.counters().up.in.packets);
      const c = core.counters();
      console.log(`sent ${sent}, relay read ${c.up.in.packets}, kernel dropped ${c.up.socketDrops} on the relay's socket`);
      expect(c.up.socketDrops).toBeGreaterThan(0);
      // Every datagram is either read by the relay or counted as dropped by the kernel: none vanish.
      expect(c.up.in.packets + c.up.socketDrops).toBe(sent);
      expect(c.down.socketDrops).toBe(0);
      const closed = core.close();
      expect(closed.up.socketDrops).toBe(c.up.socketDrops);
      const inTimeline = samples.filter((s) => s.direction === 'up').reduce((n, s) => n + (s.droppedSocket ?? 0), 0);
      expect(inTimeline).toBe(c.up.socketDrops);
    } finally {
      core.close();
      target.close();
    }
  }, 60_000);
});
