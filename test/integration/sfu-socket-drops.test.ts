// The SFU must not lose what the scenario did not: werift's sockets came with the kernel's default receive buffer
// (208 KiB), so any stall of the SFU's event loop longer than ~0.3 s at a 720p publisher's rate overflowed it and
// the kernel dropped datagrams (seen on a loaded 2-core machine: 1065 in a 15 s call, read by the SFU as 48% uplink
// loss). Here the SFU's process (this one) stalls on purpose while a 720p simulcast publisher sends, and the kernel's
// own drop counter for the SFU's sockets (/proc/net/udp) must stay at 0.
import { describe, expect, test } from 'vitest';
import { icePorts } from '../../harness/sfu/ice-sockets.ts';
import { readUdpDrops } from '../../harness/net/udp-drops.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { startLive, topLayerUp } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();
/** Each stall holds this much of the publisher's media, half again the kernel's default buffer (208 KiB). */
const STALL_BYTES = 320 * 1024;

function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy: the SFU reads nothing meanwhile, as when the machine does not schedule it.
  }
}

describe.skipIf(!chromiumPath || readUdpDrops() === null)('SFU sockets under a stalled event loop', () => {
  test("three stalls of 320 KiB of the publisher's media each: no datagram dropped on the SFU's sockets", async () => {
    const live = await startLive({ codec: 'VP8' }, [
      { id: 'pub', role: 'publisher' },
      { id: 'sub', role: 'subscriber' },
    ]);
    try {
      await live.session.waitFor(() => topLayerUp(live.session.latest('pub')), 15_000, 'publisher top layer');
      const sentBps = () => live.session.latest('pub')!.outbound.reduce((s, o) => s + o.bitrateBps, 0);
      // All three layers at rate (the top one starts low): Chrome's fake camera sends 1.2-1.4 Mbps in all.
      await live.session.waitFor(() => sentBps() >= 1_000_000, 10_000, 'publisher sending 1 Mbps');
      const rateBps = sentBps();
      const stallMs = Math.min(3000, Math.max(1000, Math.ceil(((STALL_BYTES * 8) / rateBps) * 1000)));
      for (let i = 0; i < 3; i++) {
        stall(stallMs);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const n = live.sfu.events.length;
      // Two fresh publisher samples after the last stall.
      await live.session.waitFor(() => live.sfu.events.slice(n).filter((e) => e.kind === 'publisher').length >= 2, 5000, 'SFU publisher samples');
      const last = live.sfu.events.filter((e) => e.kind === 'publisher').at(-1)!;
      if (last.kind !== 'publisher') throw new Error('unreachable');
      const heldBytes = (rateBps / 8) * (stallMs / 1000);
      console.log(`publisher sending ${Math.round(rateBps / 1000)} kbps; stalls of ${stallMs} ms (${Math.round(heldBytes / 1024)} KiB each); SFU socket drops ${last.sample.socketDrops}`);
      // The stalls held more than the kernel's default buffer would take: the test would see drops without the fix.
      expect(heldBytes).toBeGreaterThan(212_992);
      // The counter reads the publisher's own sockets: /proc/net/udp lists each of its ICE ports.
      const ports = icePorts(live.sfu.room('room')!.publishers.get('pub')!.pc);
      expect(ports.length).toBeGreaterThan(0);
      const table = readUdpDrops()!;
      for (const port of ports) expect(table.has(port)).toBe(true);
      expect(last.sample.socketDrops).toBe(0);
    } finally {
      await live.close();
    }
  }, 60_000);
});
