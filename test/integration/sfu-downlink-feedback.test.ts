// The downlink estimator seam with transport-cc: every packet the SFU sends carries a transport-wide
// number, Chrome's feedback reports it received (with arrival times that follow the send times), and
// probe padding requested by the estimator goes out and is acknowledged without disturbing decoding.
import { describe, expect, test } from 'vitest';
import type { DownlinkEstimator, DownlinkFeedback, SentPacket } from '../../harness/sfu/index.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { startLive } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('downlink feedback (transport-cc) and probing', () => {
  test('TWCC feedback matches what was sent; probe padding is sent between frames and acknowledged', async () => {
    const sent = new Map<number, SentPacket>();
    const feedback: Extract<DownlinkFeedback, { kind: 'twcc' }>[] = [];
    let probeFromMs = Infinity;
    const estimator: DownlinkEstimator = {
      name: 'recorder',
      onFeedback: (f) => {
        if (f.kind === 'twcc') feedback.push(f);
      },
      onSent: (p) => {
        if (p.transportSeq !== null) sent.set(p.transportSeq, p);
      },
      estimate: () => ({ bps: 10e6, reason: 'test' }),
      stats: () => ({}),
      probeBps: (t) => (t >= probeFromMs && t < probeFromMs + 3000 ? 2_500_000 : 0),
    };
    const live = await startLive({ downlinkTransportCc: true, downlinkEstimator: () => estimator }, [
      { id: 'pub', role: 'publisher' },
      { id: 'sub', role: 'subscriber' },
    ]);
    try {
      const { session, sfu } = live;
      await session.waitFor(() => (session.latest('sub')?.inbound[0]?.framesDecoded ?? 0) > 20, 15_000, 'subscriber decoding');
      const before = session.latest('sub')!.inbound[0];
      probeFromMs = sfu.now();
      await session.waitFor(() => sfu.now() > probeFromMs + 4000, 6000, 'probe window');
      const after = session.latest('sub')!.inbound[0];

      const acked = feedback.flatMap((f) => f.packets).filter((p) => p.receivedAtUs !== null && sent.has(p.transportSeq));
      expect(acked.length).toBeGreaterThan(500);
      const lost = feedback.flatMap((f) => f.packets).filter((p) => p.receivedAtUs === null).length;
      expect(lost).toBe(0); // loopback
      // Arrival spacing follows send spacing (same host clock rate): over a span of packets, within 20 ms.
      const a = acked[10];
      const b = acked[acked.length - 10];
      const sendSpanMs = sent.get(b.transportSeq)!.tMs - sent.get(a.transportSeq)!.tMs;
      const recvSpanMs = (b.receivedAtUs! - a.receivedAtUs!) / 1000;
      expect(Math.abs(recvSpanMs - sendSpanMs)).toBeLessThan(20);

      const probes = [...sent.values()].filter((p) => p.probe);
      const probeBytes = probes.reduce((s, p) => s + p.bytes, 0);
      const probeAcked = acked.filter((p) => sent.get(p.transportSeq)!.probe).length;
      console.log(
        `transport-cc: ${acked.length} packets acknowledged in ${feedback.length} feedbacks; send span ${sendSpanMs.toFixed(0)} ms vs arrival span ${recvSpanMs.toFixed(0)} ms; ` +
          `probe: ${probes.length} padding packets (${Math.round((probeBytes * 8) / 3000)} kbps over 3 s), ${probeAcked} acknowledged`,
      );
      expect(probes.length).toBeGreaterThan(300);
      // What the estimator is told was sent is what went on the wire: Chrome's pair counted the SRTP
      // packets (10-byte tag each) between two samples; the SFU's accounting of the same interval, media
      // and padding, must match it (padding once went out as 30-byte packets counted as 275).
      const samples = session.samplesOf('sub');
      const s0 = samples.find((s) => s.tMs > probeFromMs)!;
      const s1 = samples.filter((s) => s.tMs <= probeFromMs + 3000).at(-1)!;
      const wireBytes = s1.candidatePair!.bytesReceived! - s0.candidatePair!.bytesReceived!;
      const countedBytes = [...sent.values()].filter((p) => p.tMs > s0.tMs && p.tMs <= s1.tMs).reduce((n, p) => n + p.bytes + 10, 0);
      console.log(`probe window ${((s1.tMs - s0.tMs) / 1000).toFixed(1)} s: Chrome received ${wireBytes} B, the SFU counted ${countedBytes} B (x${(wireBytes / countedBytes).toFixed(3)})`);
      expect(s1.tMs - s0.tMs).toBeGreaterThan(1500);
      expect(wireBytes / countedBytes).toBeGreaterThan(0.85);
      expect(wireBytes / countedBytes).toBeLessThan(1.15);
      expect(probeAcked).toBeGreaterThan(0.9 * probes.length - 100); // the last feedbacks may still be on their way
      // Decoding is undisturbed by the padding.
      expect(after.framesDecoded).toBeGreaterThan(before.framesDecoded + 60);
      expect(after.freezeCount).toBe(before.freezeCount);
      expect(after.packetsLost).toBe(before.packetsLost);
      expect(after.pliCount).toBe(before.pliCount);
      expect(session.errors).toEqual([]);
    } finally {
      await live.close();
    }
  }, 40_000);
});
