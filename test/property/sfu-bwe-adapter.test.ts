// The SFU's BWE adapter: TWCC feedback -> per-packet results (bwe-feedback.ts), probe windows and
// whole-cluster delivery (probe-schedule.ts), the retransmission budget, and the adapter itself in a
// virtual-time closed loop (test/helpers/downlink-loop.ts) on the drop profile.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PacketResult } from '../../algorithms/bwe/types.ts';
import { ProbeController } from '../../algorithms/bwe/gcc/probe-controller.ts';
import { createDownlinkEstimatorFromBwe, resolveBweSync } from '../../harness/sfu/bwe-adapter.ts';
import { ReceiveRateMeter, TwccFeedbackConverter, unwrapSeq } from '../../harness/sfu/bwe-feedback.ts';
import { ProbeSchedule, probeWindowMs, WholeClusterBuffer } from '../../harness/sfu/probe-schedule.ts';
import { RetransmitBudget } from '../../harness/sfu/retransmit-budget.ts';
import { runDownlinkLoop } from '../helpers/downlink-loop.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';

describe('gcc periodic ALR probing (opt-in, BweCreateOptions.applicationLimited)', () => {
  test('while application-limited, a probe at 2x the estimate every 5 s after the initial probing ends; never when off', () => {
    const on = new ProbeController({ periodicAlrProbing: true });
    const off = new ProbeController();
    for (const c of [on, off]) {
      expect(c.start(300_000, 0).map((p) => p.bps)).toEqual([900_000, 1_800_000]);
      expect(c.onEstimate(500_000, 100, true)).toEqual([]);
      expect(c.onEstimate(500_000, 1200, true)).toEqual([]); // no result within 1 s: done
    }
    expect(on.onEstimate(500_000, 4000, true)).toEqual([]); // less than 5 s since the last probe
    expect(on.onEstimate(500_000, 5000, false)).toEqual([]); // not application-limited
    expect(on.onEstimate(500_000, 5000, true).map((p) => p.bps)).toEqual([1_000_000]);
    expect(on.onEstimate(900_000, 5200, true).map((p) => p.bps)).toEqual([1_800_000]); // took it: probe further
    expect(off.onEstimate(500_000, 60_000, true)).toEqual([]);
  });
});

describe('unwrapSeq', () => {
  test('property: the unwrapped value is congruent mod 2^16 and within half a cycle of the reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: -32767, max: 32768 }), (ref, delta) => {
        const target = ref + delta;
        const u = unwrapSeq(((target % 65536) + 65536) % 65536, ref);
        expect(u).toBe(target);
      }),
    );
  });
});

describe('TwccFeedbackConverter', () => {
  test('property: every sent packet reported once, in sequence order, with its send time and size; lost ones as null', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.array(fc.record({ bytes: fc.integer({ min: 20, max: 1300 }), lost: fc.boolean(), gapMs: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (firstSeq, packets, chunk) => {
          const c = new TwccFeedbackConverter();
          let t = 1000;
          const sent = packets.map((p, i) => {
            t += p.gapMs;
            const seq16 = (firstSeq + i) & 0xffff;
            const unwrapped = c.onSent(seq16, t, p.bytes, i % 7 === 0 ? 3 : undefined);
            return { ...p, seq16, unwrapped, tMs: t, cluster: i % 7 === 0 ? 3 : undefined };
          });
          // Unwrapped sequences are consecutive.
          for (let i = 1; i < sent.length; i++) expect(sent[i].unwrapped).toBe(sent[i - 1].unwrapped + 1);
          const out: PacketResult[] = [];
          for (let i = 0; i < sent.length; i += chunk) {
            const part = sent.slice(i, i + chunk);
            const res = c.convert({
              tMs: t + 50,
              packets: part.map((p) => ({ transportSeq: p.seq16, receivedAtUs: p.lost ? null : Math.round((p.tMs + 20) * 1000) })),
            });
            for (let j = 1; j < res.length; j++) expect(res[j].sequence).toBeGreaterThan(res[j - 1].sequence);
            out.push(...res);
          }
          expect(out.length).toBe(sent.length);
          out.forEach((r, i) => {
            expect(r.sequence).toBe(sent[i].unwrapped);
            expect(r.sendTimeMs).toBe(sent[i].tMs);
            expect(r.bytes).toBe(sent[i].bytes);
            expect(r.arrivalTimeMs).toBe(sent[i].lost ? null : Math.round((sent[i].tMs + 20) * 1000) / 1000);
            expect(r.probeClusterId).toBe(sent[i].cluster);
          });
          // Reporting the same feedback again adds nothing.
          const again = c.convert({ tMs: t + 60, packets: sent.map((p) => ({ transportSeq: p.seq16, receivedAtUs: p.lost ? null : 1 })) });
          expect(again.filter((r) => r.arrivalTimeMs !== null)).toEqual([]);
          expect(again.length).toBe(0);
          expect(c.receivedBytes).toBe(sent.filter((p) => !p.lost).reduce((s, p) => s + p.bytes, 0));
        },
      ),
    );
  });

  test('unknown sequence numbers are skipped and counted; the feedback RTT is the window minimum', () => {
    const c = new TwccFeedbackConverter({ rttWindowMs: 1000 });
    c.onSent(10, 0, 100);
    c.onSent(11, 5, 100);
    const r1 = c.convert({ tMs: 80, packets: [{ transportSeq: 9, receivedAtUs: 1 }, { transportSeq: 10, receivedAtUs: 30_000 }] });
    expect(r1.map((r) => r.sequence)).toEqual([10]);
    expect(c.unknownCount).toBe(1);
    expect(c.feedbackRttMs(80)).toBe(80);
    c.convert({ tMs: 60, packets: [{ transportSeq: 11, receivedAtUs: 35_000 }] });
    expect(c.feedbackRttMs(100)).toBe(55);
    expect(c.feedbackRttMs(5000)).toBeUndefined(); // outside the window
  });

  test('sent packets older than the history are forgotten', () => {
    const c = new TwccFeedbackConverter({ historyMs: 1000 });
    c.onSent(1, 0, 100);
    c.onSent(2, 2000, 100);
    expect(c.convert({ tMs: 2100, packets: [{ transportSeq: 1, receivedAtUs: 10 }, { transportSeq: 2, receivedAtUs: 20 }] }).map((r) => r.sequence)).toEqual([2]);
  });

  test('ReceiveRateMeter: bytes over the interval since the previous report', () => {
    const m = new ReceiveRateMeter(0);
    expect(m.take(1000, 125_000)).toBe(1_000_000);
    expect(m.take(1500, 125_000 + 12_500)).toBe(200_000);
    expect(m.take(1500, 200_000)).toBeUndefined();
  });
});

describe('probe windows', () => {
  test('a window lasts its duration, its packets at its rate, and at least the floor; windows queue one after another', () => {
    expect(probeWindowMs({ clusterId: 1, bps: 1e6, minDurationMs: 15, minPackets: 5 }, 100, 267)).toBe(100);
    expect(probeWindowMs({ clusterId: 1, bps: 100e3, minDurationMs: 15, minPackets: 10 }, 100, 267)).toBeCloseTo(213.6, 1);
    const s = new ProbeSchedule({ minWindowMs: 100 });
    const a = s.add({ clusterId: 1, bps: 1e6, minDurationMs: 15, minPackets: 5 }, 1000)!;
    const b = s.add({ clusterId: 2, bps: 2e6, minDurationMs: 15, minPackets: 5 }, 1010)!;
    expect([a.startMs, a.endMs, b.startMs, b.endMs]).toEqual([1000, 1100, 1100, 1200]);
    expect(s.active(1050)?.clusterId).toBe(1);
    expect(s.active(1150)?.clusterId).toBe(2);
    expect(s.active(1200)).toBeNull();
    expect(s.add({ clusterId: 3, bps: 0, minDurationMs: 15, minPackets: 5 }, 1300)).toBeNull();
  });

  test('property: windows never overlap and the backlog stays bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 300 }), bps: fc.integer({ min: 10_000, max: 5_000_000 }) }), { maxLength: 60 }), (reqs) => {
        const s = new ProbeSchedule({ minWindowMs: 100, maxBacklogMs: 500 });
        let t = 0;
        let id = 1;
        for (const r of reqs) {
          t += r.dt;
          s.add({ clusterId: id++, bps: r.bps, minDurationMs: 15, minPackets: 5 }, t);
          const w = s.pending;
          for (let i = 1; i < w.length; i++) expect(w[i].startMs).toBeGreaterThanOrEqual(w[i - 1].endMs);
          if (w.length > 0) expect(w[w.length - 1].startMs - t).toBeLessThanOrEqual(500);
        }
      }),
    );
  });

  test('WholeClusterBuffer: results wait until the cluster window ended graceMs ago (or the hold limit), then go in order', () => {
    const b = new WholeClusterBuffer({ maxHoldMs: 1000 });
    b.noteWindow({ clusterId: 4, bps: 1e6, startMs: 0, endMs: 100 });
    const r = (sequence: number, probeClusterId?: number): PacketResult => ({ sequence, sendTimeMs: sequence, arrivalTimeMs: sequence + 20, bytes: 100, ...(probeClusterId ? { probeClusterId } : {}) });
    expect(b.push([r(1)], 50, 200)).toEqual([r(1)]); // no cluster: at once
    expect(b.push([r(3, 4), r(2)], 120, 200)).toEqual([]);
    expect(b.push([r(4)], 200, 200)).toEqual([]);
    expect(b.release(299, 200)).toEqual([]);
    expect(b.release(300, 200).map((x) => x.sequence)).toEqual([2, 3, 4]);
    b.noteWindow({ clusterId: 5, bps: 1e6, startMs: 400, endMs: 5000 });
    expect(b.push([r(9, 5)], 450, 200)).toEqual([]);
    expect(b.release(1450, 200).map((x) => x.sequence)).toEqual([9]); // held at most maxHoldMs
  });
});

describe('RetransmitBudget', () => {
  test('one retransmission per packet per interval, at most maxPerPacket, within the share of the estimate', () => {
    const b = new RetransmitBudget({ shareOfEstimate: 0.25, burstMs: 200, minIntervalMs: 100, maxPerPacket: 2 });
    // 1 Mbps estimate: 250 kbps for retransmissions, a 6.25 kB bucket.
    expect(b.allow(1, 1200, 0, 1e6)).toBe(true);
    expect(b.allow(1, 1200, 50, 1e6)).toBe(false); // too soon
    expect(b.allow(1, 1200, 150, 1e6)).toBe(true);
    expect(b.allow(1, 1200, 300, 1e6)).toBe(false); // twice already
    let sent = 0;
    for (let s = 10; s < 30; s++) if (b.allow(s, 1200, 300, 1e6)) sent++;
    expect(sent).toBe(5); // the bucket: 6.25 kB, minus the two already spent, refilled meanwhile
    expect(b.allow(99, 1200, 300, 1e6)).toBe(false);
    expect(b.allow(99, 1200, 400, 1e6)).toBe(true); // 100 ms refill = 3.1 kB
  });

  test('property: over any run, retransmitted bytes stay within the bucket plus the share of the estimate', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 50 }), seq: fc.integer({ min: 0, max: 50 }), bytes: fc.integer({ min: 50, max: 1300 }) }), { maxLength: 200 }), fc.integer({ min: 100_000, max: 5_000_000 }), (reqs, est) => {
        const b = new RetransmitBudget();
        let t = 0;
        let bytes = 0;
        for (const r of reqs) {
          t += r.dt;
          if (b.allow(r.seq, r.bytes, t, est)) bytes += r.bytes;
        }
        expect(bytes).toBeLessThanOrEqual(((0.25 * est) / 8000) * (200 + t) + 1e-6);
      }),
    );
  });
});

describe('createDownlinkEstimatorFromBwe', () => {
  test('resolves built-ins and user files synchronously; unknown names fail with the built-ins listed', () => {
    expect(resolveBweSync('gcc').name).toBe('gcc');
    expect(resolveBweSync('test/fixtures/bwe-class.ts').create().decide({ tMs: 0, packets: [] }).targetBps).toBeGreaterThan(0);
    expect(() => resolveBweSync('gcx')).toThrow(/unknown bandwidth estimator "gcx" \(did you mean "gcc"\?\)/);
    expect(() => resolveBweSync('./missing-bwe.ts')).toThrow(/estimator file not found/);
  });

  test('before any acknowledged packet: the start rate, no probing; a crashing estimator keeps the last estimate', () => {
    const e = createDownlinkEstimatorFromBwe('gcc');
    expect(e.estimate(0)).toEqual({ bps: 300_000, reason: 'no feedback yet: start rate' });
    expect(e.probeBps!(0)).toBe(0);
    const errors: string[] = [];
    let calls = 0;
    const crashing = createDownlinkEstimatorFromBwe(
      { name: 'boom', source: 't', description: 't', create: () => ({ name: 'boom', applies: 'target', decide: () => (++calls > 1 ? { targetBps: NaN, reason: 'x' } : { targetBps: 5e5, reason: 'ok' }) }) },
      { onError: (err) => errors.push(err.message) },
    );
    crashing.onSent({ bytes: 100, tMs: 0, transportSeq: 0, probe: false });
    crashing.onFeedback({ kind: 'twcc', tMs: 40, packets: [{ transportSeq: 0, receivedAtUs: 20_000 }] });
    expect(crashing.estimate(200).bps).toBe(5e5);
    expect(crashing.estimate(200).reason).toMatch(/estimator error .*NaN/);
    expect(errors.length).toBe(1);
  });

  const M = 1e6;
  const queue = { limit: 200, unit: 'ms' as const, discipline: 'droptail' as const };
  const link = (bps: number) => ({ capacity: { kind: 'constant' as const, bps }, delayMs: 20, queue });
  const drop = scenario([phase('a', 0, link(5 * M)), phase('b', 20_000, link(0.6 * M), link(5 * M)), phase('c', 50_000, link(5 * M))], [], 70_000);
  const layers = [
    { rid: 'l', bps: 150e3 },
    { rid: 'm', bps: 360e3 },
    { rid: 'h', bps: 780e3 },
  ];

  test.each(['gcc', 'gcc-libwebrtc'])('%s in a closed loop (virtual time): top layer early, down within 3 s of the drop, back within 15 s, few losses', (name) => {
    const est = createDownlinkEstimatorFromBwe(name);
    const r = runDownlinkLoop({ scenario: drop, estimator: est, layers });
    const firstH = r.switches.find((s) => s.to === 'h')!;
    const down = r.switches.find((s) => s.tMs > 20_000 && s.to !== 'h')!;
    const up = r.switches.find((s) => s.tMs > 50_000 && s.to === 'h')!;
    expect(firstH.tMs).toBeLessThan(6000); // the initial probes, not an 8%/s ramp
    expect(down.tMs - 20_000).toBeLessThanOrEqual(3000);
    expect(down.to).toBe('m');
    expect(up.tMs - 50_000).toBeLessThanOrEqual(15_000);
    // No return to h while the link is 600 kbps.
    expect(r.switches.filter((s) => s.tMs > down.tMs && s.tMs < 50_000 && s.to === 'h')).toEqual([]);
    const lowSent = r.samples.filter((s) => s.tMs >= 23_000 && s.tMs < 50_000);
    expect(Math.max(...lowSent.map((s) => s.queueDelayMs))).toBeLessThan(200);
    expect(r.lost / (r.mediaBytes / 1000)).toBeLessThan(0.05);
    expect(est.probePacketResults).toBeGreaterThan(0);
  });

  test('an estimator that never probes gets padding up to its target, and its estimate climbs back after the return', () => {
    // Follows the acknowledged rate: never above 1.5 x what it saw delivered (like gcc's AIMD cap), no probes.
    const follower = {
      name: 'follower',
      source: 'test',
      description: 'test',
      create: () => {
        let target = 300_000;
        const seen: { t: number; bytes: number }[] = [];
        return {
          name: 'follower',
          applies: 'target' as const,
          decide(ctx: { tMs: number; packets: readonly PacketResult[] }) {
            for (const p of ctx.packets) if (p.arrivalTimeMs !== null) seen.push({ t: ctx.tMs, bytes: p.bytes });
            while (seen.length > 0 && seen[0].t < ctx.tMs - 1000) seen.shift();
            const acked = seen.reduce((s, x) => s + x.bytes * 8, 0);
            const lost = ctx.packets.some((p) => p.arrivalTimeMs === null);
            target = lost ? Math.max(100_000, 0.85 * acked) : Math.min(1.08 * target, 1.5 * acked + 10_000);
            return { targetBps: Math.max(50_000, target), reason: `follow ${Math.round(acked / 1000)} kbps` };
          },
        };
      },
    };
    const est = createDownlinkEstimatorFromBwe(follower);
    const r = runDownlinkLoop({ scenario: drop, estimator: est, layers });
    expect(r.paddingBytes).toBeGreaterThan(0);
    expect(r.switches.some((s) => s.tMs > 50_000 && s.to === 'h')).toBe(true);
    const noPad = createDownlinkEstimatorFromBwe(follower, { padding: 'off' });
    const r2 = runDownlinkLoop({ scenario: drop, estimator: noPad, layers });
    expect(r2.paddingBytes).toBe(0);
    expect(r2.switches.some((s) => s.to === 'h')).toBe(false); // stuck: its estimate cannot outgrow what is forwarded
  });
});
