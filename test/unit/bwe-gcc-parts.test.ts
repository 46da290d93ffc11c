// Each GCC part on its own: arrival grouping, trendline slope, threshold and detector, AIMD, loss bands, probing.
import { describe, expect, it } from 'vitest';
import { AckedBitrateEstimator } from '../../algorithms/bwe/gcc/acked-bitrate-estimator.ts';
import { AdaptiveThreshold } from '../../algorithms/bwe/gcc/adaptive-threshold.ts';
import { AimdRateController } from '../../algorithms/bwe/gcc/aimd-rate-controller.ts';
import { ArrivalGroupAccumulator, type GroupDelta } from '../../algorithms/bwe/gcc/arrival-group.ts';
import { LinkCapacityEstimator } from '../../algorithms/bwe/gcc/link-capacity-estimator.ts';
import { LossBasedController } from '../../algorithms/bwe/gcc/loss-based-controller.ts';
import { OveruseDetector } from '../../algorithms/bwe/gcc/overuse-detector.ts';
import { ProbeBitrateEstimator } from '../../algorithms/bwe/gcc/probe-bitrate-estimator.ts';
import { ProbeController } from '../../algorithms/bwe/gcc/probe-controller.ts';
import { linearFitSlope, TrendlineEstimator } from '../../algorithms/bwe/gcc/trendline-estimator.ts';

describe('arrival groups (5 ms bursts)', () => {
  it('groups packets sent within 5 ms and reports the delta between complete groups', () => {
    const g = new ArrivalGroupAccumulator();
    // Group A sent 0..2 ms, group B 10..11 ms, group C starts at 20 ms and closes B.
    expect(g.add(0, 50, 1000)).toBeNull();
    expect(g.add(1, 51, 1000)).toBeNull();
    expect(g.add(2, 52, 1000)).toBeNull();
    expect(g.add(10, 61, 1000)).toBeNull(); // starts B: A has no predecessor
    expect(g.add(11, 64, 500)).toBeNull();
    const d = g.add(20, 70, 1000) as GroupDelta;
    expect(d.sendDeltaMs).toBe(9); // 11 - 2
    expect(d.arrivalDeltaMs).toBe(12); // 64 - 52
    expect(d.delayVariationMs).toBe(3);
    expect(d.arrivalTimeMs).toBe(64);
    expect(d.sizeDeltaBytes).toBe(1500 - 3000);
  });

  it('a packet sent later but arriving right behind the group, having gained on the sender, joins it (burst)', () => {
    const g = new ArrivalGroupAccumulator();
    g.add(0, 100, 1000);
    g.add(1, 101, 1000);
    // Sent 9 ms after the group's first packet (would start a new group) but arrives 2 ms after the last one:
    // propagation delta = 2 - 8 < 0, so it was held behind the group on the way.
    expect(g.add(9, 103, 1000)).toBeNull();
    g.add(20, 120, 1000); // a new group; the first had no predecessor
    const d = g.add(40, 140, 1000) as GroupDelta;
    expect(d.sendDeltaMs).toBe(11); // 20 - 9: the burst packet was the first group's last
  });

  it('ignores packets sent before the current group (reordered on the wire)', () => {
    const g = new ArrivalGroupAccumulator();
    g.add(10, 60, 1000);
    expect(g.add(5, 61, 1000)).toBeNull();
    g.add(20, 70, 1000);
    const d = g.add(30, 80, 1000) as GroupDelta;
    expect(d.sizeDeltaBytes).toBe(0); // the reordered packet was not added to the first group
  });
});

describe('trendline estimator', () => {
  const feed = (perGroupDelayMs: number, groups: number, spacingMs = 33) => {
    const t = new TrendlineEstimator();
    let out = t.update({ delayVariationMs: perGroupDelayMs, arrivalTimeMs: 0 });
    for (let i = 1; i < groups; i++) out = t.update({ delayVariationMs: perGroupDelayMs, arrivalTimeMs: i * spacingMs });
    return out;
  };

  it('a delay ramp of 1 ms per 33 ms group has a slope of 1/33 once the window is full', () => {
    const out = feed(1, 100);
    expect(out.trend).toBeCloseTo(1 / 33, 4);
    expect(out.modifiedTrend).toBeCloseTo(60 * 4 * (1 / 33), 2); // numDeltas capped at 60, gain 4
  });

  it('a flat delay has no trend, a draining queue a negative one', () => {
    expect(feed(0, 50).trend).toBeCloseTo(0, 10);
    expect(feed(-0.5, 100).trend).toBeCloseTo(-0.5 / 33, 4);
  });

  it('keeps the previous trend (0) until 20 points fill the window', () => {
    expect(feed(1, 19).trend).toBe(0);
    expect(feed(1, 20).trend).toBeGreaterThan(0);
  });

  it('scales the trend by the number of deltas below 60', () => {
    const out = feed(1, 30);
    expect(out.numDeltas).toBe(30);
    expect(out.modifiedTrend).toBeCloseTo(30 * 4 * out.trend, 10);
  });

  it('linear fit: exact slope on a line, null without a time span', () => {
    expect(linearFitSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(linearFitSlope([5, 5, 5], [1, 2, 3])).toBeNull();
  });
});

describe('adaptive threshold (K_u 0.01, K_d 0.00018)', () => {
  it('rises quickly towards a signal above it and decays slowly below it', () => {
    const up = new AdaptiveThreshold();
    up.update(0, 0);
    // |m| = 20 > 12.5: gamma += 0.01 x 7.5 x 50 ms = 3.75
    expect(up.update(20, 50)).toBeCloseTo(12.5 + 0.01 * 7.5 * 50, 10);
    const down = new AdaptiveThreshold();
    down.update(0, 0);
    // |m| = 0 < 12.5: gamma += 0.00018 x (0 - 12.5) x 100
    expect(down.update(0, 100)).toBeCloseTo(12.5 - 0.00018 * 12.5 * 100, 10);
  });

  it('ignores spikes more than 15 ms above it, caps the time step at 100 ms, stays within [6, 600] ms', () => {
    const t = new AdaptiveThreshold();
    t.update(0, 0);
    expect(t.update(40, 50)).toBe(12.5); // 40 > 12.5 + 15
    const slow = new AdaptiveThreshold();
    slow.update(0, 0);
    expect(slow.update(20, 10_000)).toBeCloseTo(12.5 + 0.01 * 7.5 * 100, 10);
    const floor = new AdaptiveThreshold({ kDown: 0.5 });
    floor.update(0, 0);
    expect(floor.update(0, 100)).toBe(6);
  });
});

describe('over-use detector', () => {
  const input = (signalMs: number, nowMs: number, trend = signalMs / 240, sendDeltaMs = 33) => ({ signalMs, trend, sendDeltaMs, nowMs, numDeltas: 60 });

  it('normal -> overusing after more than 10 ms over the threshold and two groups in a row', () => {
    const d = new OveruseDetector();
    expect(d.detect(input(0, 0))).toBe('normal');
    expect(d.detect(input(14, 33))).toBe('normal'); // 16.5 ms over, but the first group only
    expect(d.detect(input(14.5, 66))).toBe('overusing');
  });

  it('with 5 ms groups it takes three groups (2.5 + 5 + 5 ms > 10 ms)', () => {
    const d = new OveruseDetector();
    d.detect(input(0, 0, 0, 5));
    expect(d.detect(input(13, 5, 13 / 240, 5))).toBe('normal');
    expect(d.detect(input(13, 10, 13 / 240, 5))).toBe('normal');
    expect(d.detect(input(13, 15, 13 / 240, 5))).toBe('overusing');
  });

  it('a falling trend does not signal overuse; below -threshold is underusing; in between normal', () => {
    const d = new OveruseDetector();
    d.detect(input(14, 0, 0.1));
    expect(d.detect(input(14, 33, 0.05))).toBe('normal'); // trend fell from 0.1 to 0.05
    expect(d.detect(input(-20, 66))).toBe('underusing');
    expect(d.detect(input(1, 99))).toBe('normal');
  });

  it('stays normal with fewer than 2 deltas', () => {
    const d = new OveruseDetector();
    expect(d.detect({ signalMs: 100, trend: 1, sendDeltaMs: 33, nowMs: 0, numDeltas: 1 })).toBe('normal');
  });

  it('the threshold adapts: after a steady 16 ms signal, 15 ms is normal; for a fresh detector it is overuse', () => {
    const adapted = new OveruseDetector();
    const states: string[] = [];
    for (let i = 0; i < 40; i++) states.push(adapted.detect(input(16, i * 33)));
    expect(states.slice(0, 3)).toContain('overusing');
    expect(adapted.thresholdMs).toBeGreaterThan(15.5);
    expect(adapted.detect(input(15, 40 * 33))).toBe('normal');
    const fresh = new OveruseDetector();
    fresh.detect(input(15, 0));
    expect(fresh.detect(input(15, 33))).toBe('overusing');
  });
});

describe('AIMD rate controller', () => {
  it('increases multiplicatively by 8% per second far from convergence', () => {
    const a = new AimdRateController({ startBps: 1_000_000 });
    a.update({ usage: 'normal', ackedBps: 10e6, nowMs: 0 }); // +1 kbps: the first update has no time span
    for (let t = 100; t <= 1000; t += 100) a.update({ usage: 'normal', ackedBps: 10e6, nowMs: t });
    expect(a.estimateBps / 1_001_000).toBeCloseTo(1.08, 3);
  });

  it('decreases to 0.85 x the acknowledged rate on overuse, then holds until normal', () => {
    const a = new AimdRateController({ startBps: 1_000_000 });
    const d = a.update({ usage: 'overusing', ackedBps: 800_000, nowMs: 0 });
    expect(d.state).toBe('decrease');
    expect(d.bps).toBe(680_000);
    expect(d.reason).toMatch(/0\.85 x acked 800 kbps/);
    expect(a.currentState).toBe('hold');
    expect(a.update({ usage: 'underusing', ackedBps: 680_000, nowMs: 100 }).bps).toBe(680_000);
    expect(a.update({ usage: 'normal', ackedBps: 680_000, nowMs: 200 }).state).toBe('increase');
  });

  it('never raises the rate on overuse (acked above the rate)', () => {
    const a = new AimdRateController({ startBps: 500_000 });
    expect(a.update({ usage: 'overusing', ackedBps: 900_000, nowMs: 0 }).bps).toBe(500_000);
  });

  it('increases additively (about one packet per RTT + 100 ms) near the link capacity seen at the last overuse', () => {
    const a = new AimdRateController({ startBps: 1_000_000 });
    a.setRtt(100);
    a.update({ usage: 'overusing', ackedBps: 800_000, nowMs: 0 }); // 680 kbps, link capacity 800 kbps
    a.update({ usage: 'normal', ackedBps: 680_000, nowMs: 100 }); // hold -> increase, clock restarts
    const before = a.estimateBps;
    const r = a.update({ usage: 'normal', ackedBps: 680_000, nowMs: 1100 });
    // 680 kbps / 30 fps = 22.7 kbit per frame = 3 packets of 7.6 kbit; 7.6 kbit per 200 ms = 37.8 kbps per second.
    expect(r.reason).toMatch(/additive/);
    expect(a.estimateBps - before).toBeCloseTo(((680_000 / 30 / 3) * 1000) / 200, 0);
  });

  it('caps increases at 1.5 x acked + 10 kbps', () => {
    const a = new AimdRateController({ startBps: 1_000_000 });
    const r = a.update({ usage: 'normal', ackedBps: 100_000, nowMs: 1000 });
    expect(r.bps).toBe(1_000_000);
    expect(r.reason).toMatch(/1\.5 x acked/);
  });

  it('reduces again only after an RTT, unless the acknowledged rate fell below half the estimate', () => {
    const a = new AimdRateController({ startBps: 1_000_000 });
    a.setRtt(100);
    a.update({ usage: 'overusing', ackedBps: 1_000_000, nowMs: 0 });
    expect(a.timeToReduceFurther(50, 900_000)).toBe(false);
    expect(a.timeToReduceFurther(50, 400_000)).toBe(true);
    expect(a.timeToReduceFurther(100, 900_000)).toBe(true);
  });
});

describe('link capacity estimator', () => {
  it('tracks overuse rates with alpha 0.05 and a 3-deviation band', () => {
    const l = new LinkCapacityEstimator();
    expect(l.hasEstimate).toBe(false);
    expect(l.upperBoundBps()).toBe(Infinity);
    l.onOveruseDetected(1_000_000);
    expect(l.estimateBps).toBe(1_000_000);
    // Deviation starts at its floor 0.4 (normalised): 3 x sqrt(0.4 x 1000 kbps) = 60 kbps.
    expect(l.upperBoundBps()).toBeCloseTo(1_000_000 + 3 * Math.sqrt(400) * 1000, 0);
    l.onOveruseDetected(2_000_000);
    expect(l.estimateBps).toBeCloseTo(1_050_000, 0);
    l.reset();
    expect(l.hasEstimate).toBe(false);
  });
});

describe('loss-based controller', () => {
  it('bands: < 2% increase, 2-10% hold, > 10% decrease', () => {
    expect(LossBasedController.band(0)).toBe('increase');
    expect(LossBasedController.band(0.0199)).toBe('increase');
    expect(LossBasedController.band(0.02)).toBe('hold');
    expect(LossBasedController.band(0.1)).toBe('hold');
    expect(LossBasedController.band(0.1001)).toBe('decrease');
  });

  it('+5% under 2% loss, holds between 2 and 10%, x(1 - 0.5 loss) above 10%', () => {
    const c = new LossBasedController({ startBps: 1_000_000 });
    expect(c.update({ lossFraction: 0.01, nowMs: 0 }).bps).toBeCloseTo(1_050_000, 6);
    expect(c.update({ lossFraction: 0.05, nowMs: 100 }).bps).toBeCloseTo(1_050_000, 6);
    const d = c.update({ lossFraction: 0.2, nowMs: 200 });
    expect(d.band).toBe('decrease');
    expect(d.bps).toBeCloseTo(1_050_000 * 0.9, 6);
  });

  it('decreases at most once per 300 ms + RTT, and never above the delay-based estimate', () => {
    const c = new LossBasedController({ startBps: 1_000_000 });
    c.update({ lossFraction: 0.2, nowMs: 0, rttMs: 100 });
    expect(c.update({ lossFraction: 0.2, nowMs: 300, rttMs: 100 }).bps).toBeCloseTo(900_000, 6);
    expect(c.update({ lossFraction: 0.2, nowMs: 400, rttMs: 100 }).bps).toBeCloseTo(810_000, 6);
    expect(c.update({ lossFraction: 0, nowMs: 500, delayBasedBps: 500_000 }).bps).toBe(500_000);
  });

  it('follows the delay-based estimate up during a loss-free start (so a probe can lift the target)', () => {
    const c = new LossBasedController({ startBps: 300_000 });
    expect(c.update({ lossFraction: 0, nowMs: 0, delayBasedBps: 2_000_000 }).bps).toBe(2_000_000);
    const late = new LossBasedController({ startBps: 300_000 });
    late.update({ lossFraction: 0, nowMs: 0 });
    expect(late.update({ lossFraction: 0, nowMs: 3000, delayBasedBps: 2_000_000 }).bps).toBeCloseTo(300_000 * 1.05 ** 2, 6);
  });
});

describe('acknowledged bitrate', () => {
  it('is unknown until a full 500 ms window, then bytes in the window / 500 ms', () => {
    const a = new AckedBitrateEstimator(500);
    for (let t = 0; t < 500; t += 10) a.add(t, 1250);
    expect(a.bps()).toBeNull();
    for (let t = 500; t <= 1000; t += 10) a.add(t, 1250);
    expect(a.bps()).toBeCloseTo(1_000_000, -3); // 1250 B per 10 ms
  });
});

describe('probing', () => {
  // 15 packets of 1200 B sent 1 ms apart (9.6 Mbps): 18,000 B, the 15 ms a 9.6 Mbps probe needs.
  const cluster = (arrivalSpacingMs: number, n = 15) =>
    Array.from({ length: n }, (_, i) => ({ sequence: i, sendTimeMs: i, arrivalTimeMs: 100 + i * arrivalSpacingMs, bytes: 1200, probeClusterId: 1 }));
  const request = { clusterId: 1, bps: 9_600_000, minDurationMs: 15, minPackets: 5 };

  it('a saturated cluster measures the bottleneck: 0.95 x the receive rate', () => {
    const e = new ProbeBitrateEstimator();
    e.register(request, 0);
    for (const p of cluster(4)) e.add(p);
    // Receive: 14 x 1200 B over 56 ms = 2.4 Mbps, well under the 9.6 Mbps send rate.
    expect(e.takeResult(200)?.bps).toBeCloseTo(0.95 * 2_400_000, 0);
  });

  it('an unsaturated cluster gives min(send, receive); too few packets give nothing', () => {
    const e = new ProbeBitrateEstimator();
    e.register(request, 0);
    for (const p of cluster(1)) e.add(p);
    expect(e.takeResult(200)?.bps).toBeCloseTo(9_600_000, 0);
    const few = new ProbeBitrateEstimator();
    few.register(request, 0);
    for (const p of cluster(4, 11)) few.add(p); // 11 < 80% of 15 packets
    expect(few.takeResult(200)).toBeNull();
  });

  it('controller: 3x and 6x the start rate, then 2x while the estimate exceeds 70% of the last probe', () => {
    const c = new ProbeController();
    expect(c.start(300_000, 0).map((p) => p.bps)).toEqual([900_000, 1_800_000]);
    expect(c.start(300_000, 0)).toEqual([]);
    expect(c.onEstimate(1_500_000, 100).map((p) => p.bps)).toEqual([3_000_000]);
    expect(c.onEstimate(1_000_000, 200)).toEqual([]);
    expect(c.probing).toBe(true);
    c.onEstimate(1_000_000, 1300);
    expect(c.probing).toBe(false);
  });
});
