// The packet-level BWE simulator: gcc converges on a constant link, backs off after a capacity drop,
// meets the acceptance on the step profile; the receiver's feedback; runBweScenario's result.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gccBwe } from '../../algorithms/bwe/gcc/gcc.ts';
import { seedJitterCapBwe } from '../../algorithms/bwe/seed-jitter-cap.ts';
import type { BweFactory } from '../../algorithms/bwe/types.ts';
import { Receiver } from '../../harness/bwe-sim/receiver.ts';
import { bweMetrics, runBweScenario, runBweScenarioDetailed } from '../../harness/bwe-sim/run-bwe.ts';
import { packetizeFrame, Pacer, probePackets } from '../../harness/bwe-sim/sender.ts';
import { simulateBwe, twccIntervalMs } from '../../harness/bwe-sim/simulate.ts';
import { formatBweTable } from '../../harness/bwe-sim/table.ts';
import type { BweSample } from '../../harness/bwe-sim/types.ts';
import { METRICS } from '../../harness/metrics/catalog.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const root = join(import.meta.dirname, '..', '..');
const queue300ms = { limit: 300, unit: 'ms' as const, discipline: 'droptail' as const };

function meanOf(samples: BweSample[], fromMs: number, toMs: number, key: 'deliveredBps' | 'targetBps' | 'queueDelayMs'): number {
  const s = samples.filter((x) => x.tMs >= fromMs && x.tMs < toMs);
  return s.reduce((a, x) => a + x[key], 0) / s.length;
}

describe('gcc in the simulator', () => {
  it('converges near the capacity of a constant 2 Mbps link with little queue', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 2_000_000 }, delayMs: 50, queue: queue300ms }, [], 30_000);
    const sim = simulateBwe(s, gccBwe);
    const delivered = meanOf(sim.samples, 10_000, 30_000, 'deliveredBps');
    expect(delivered).toBeGreaterThan(0.85 * 2_000_000);
    expect(delivered).toBeLessThanOrEqual(2_000_000 * 1.001);
    expect(bweMetrics(sim).queueDelayP95Ms).toBeLessThan(100);
    // Probing found the capacity quickly: within 3 s the target is over 1.5 Mbps.
    expect(sim.samples.find((x) => x.tMs === 3000)!.targetBps).toBeGreaterThan(1_500_000);
  });

  it('backs off within a few seconds when the capacity drops from 3 to 1 Mbps, and the queue drains', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 3_000_000 }, delayMs: 50, queue: queue300ms }, [
      { type: 'capacityStep', atMs: 20_000, durationMs: null, factor: null, bps: 1_000_000, direction: 'down' },
    ], 40_000);
    const sim = simulateBwe(s, gccBwe);
    expect(meanOf(sim.samples, 15_000, 20_000, 'targetBps')).toBeGreaterThan(2_400_000);
    const at = (ms: number) => sim.samples.find((x) => x.tMs === ms)!;
    expect(at(23_000).targetBps).toBeLessThan(1_100_000);
    // The standing queue of the drop is gone two seconds later.
    expect(meanOf(sim.samples, 22_000, 26_000, 'queueDelayMs')).toBeLessThan(20);
    expect(meanOf(sim.samples, 25_000, 40_000, 'deliveredBps')).toBeGreaterThan(0.8 * 1_000_000);
  });

  it('meets the acceptance on the step profile: utilisation >= 85%, p95 queueing delay <= 100 ms', () => {
    const s = loadScenario(join(root, 'scenarios/bwe/step-profile.yaml'));
    const m = runBweScenario(s, gccBwe, { withoutTimeline: true }).metrics;
    expect(m.utilisationRatio).toBeGreaterThanOrEqual(0.85);
    expect(m.queueDelayP95Ms).toBeLessThanOrEqual(100);
  });

  it('is deterministic for a seed, and the seed reaches the link (random loss differs)', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 }, delayMs: 30, loss: { model: 'bernoulli', rate: 0.03 } }, [], 10_000);
    const a = bweMetrics(simulateBwe(s, gccBwe, { seed: 1 }));
    expect(bweMetrics(simulateBwe(s, gccBwe, { seed: 1 }))).toEqual(a);
    expect(bweMetrics(simulateBwe(s, gccBwe, { seed: 2 }))).not.toEqual(a);
    expect(a.lossRatio).toBeGreaterThan(0.01);
  });

  it('survives a lossy feedback path (lost feedback is simply never heard)', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 }, delayMs: 30, loss: { model: 'bernoulli', rate: 0.2 } }, [], 10_000);
    const sim = simulateBwe(s, gccBwe);
    expect(sim.feedbackLost).toBeGreaterThan(0);
    expect(sim.samples.every((x) => Number.isFinite(x.targetBps) && x.targetBps > 0)).toBe(true);
  });
});

describe('estimators that cap the transport (maxBitrate)', () => {
  it('seed-jitter-cap on a calm link never caps: the run is the transport gcc run', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 2_000_000 }, delayMs: 50, queue: queue300ms }, [], 15_000);
    const capped = simulateBwe(s, seedJitterCapBwe);
    const plain = simulateBwe(s, gccBwe);
    expect(bweMetrics(capped)).toEqual(bweMetrics(plain));
  });

  it('the sender sends at min(transport estimate, cap)', () => {
    const cap400k: BweFactory = {
      name: 'cap-400k',
      source: 'test',
      description: 'test',
      create: () => ({ name: 'cap-400k', applies: 'maxBitrate', decide: () => ({ targetBps: 400_000, reason: 'cap' }) }),
    };
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 2_000_000 }, delayMs: 50 }, [], 10_000);
    const sim = simulateBwe(s, cap400k);
    expect(Math.max(...sim.samples.map((x) => x.targetBps))).toBeLessThanOrEqual(400_000);
    expect(meanOf(sim.samples, 3000, 10_000, 'targetBps')).toBe(400_000);
  });

  it('a target that is not finite and > 0 stops the run with the estimator named', () => {
    const bad: BweFactory = {
      name: 'nan-bwe',
      source: 'test',
      description: 'test',
      create: () => ({ name: 'nan-bwe', applies: 'target', decide: (ctx) => ({ targetBps: ctx.tMs > 1000 ? Number.NaN : 1e6, reason: 'oops' }) }),
    };
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 } }, [], 5000);
    expect(() => simulateBwe(s, bad)).toThrow(/nan-bwe: decided a target of NaN/);
  });
});

describe('runBweScenario', () => {
  it('returns a sim RunResult with the BWE metrics of the catalogue, expectations and a capacity timeline', () => {
    const s = {
      ...simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 }, delayMs: 50, queue: queue300ms }, [], 10_000),
      expect: [
        { metric: 'utilisationRatio', op: '>' as const, value: 0.5, algorithm: null, text: 'utilisation > 50%', where: 'test.yaml:1' },
        { metric: 'queueDelayP95Ms', op: '<' as const, value: 1, algorithm: null, text: 'queueDelayP95 < 1ms', where: 'test.yaml:2' },
      ],
    };
    const run = runBweScenario(s, gccBwe);
    expect(run).toMatchObject({ mode: 'sim', status: 'ok', algorithms: { bwe: 'gcc' }, seed: 1 });
    const bweKeys = METRICS.map((m) => m.key).filter((k) => k in run.metrics);
    expect(Object.keys(run.metrics).sort()).toEqual(bweKeys.sort());
    expect(run.expectations.map((e) => e.pass)).toEqual([true, false]);
    expect(run.timeline.some((e) => e.kind === 'capacity' && e.direction === 'down' && e.bps === 1_000_000)).toBe(true);
    expect(formatBweTable([run])).toMatch(/test\s+gcc\s+\d+\.\d/);
  });

  it('the detailed run carries one sample per 100 ms and the decisions with their reasons', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 }, delayMs: 50 }, [], 5000);
    const { sim } = runBweScenarioDetailed(s, gccBwe);
    expect(sim.samples).toHaveLength(50);
    expect(sim.samples.every((x) => x.reason.length > 0)).toBe(true);
    expect(sim.decisions[0]).toMatchObject({ tMs: 0, targetBps: 300_000 });
    expect(sim.decisions.some((d) => /probe/.test(d.reason))).toBe(true);
  });

  it('shipped BWE scenarios parse and list the three estimators', () => {
    for (const f of ['rfc8867-variable-capacity.yaml', 'step-profile.yaml', 'jitter-then-clean.yaml']) {
      const s = loadScenario(join(root, 'scenarios/bwe', f));
      expect(s.algorithms.bwe).toEqual(['gcc', 'seed-smooth', 'seed-jitter-cap']);
      expect(s.network[0].down.delayMs).toBe(50);
    }
    const rfc = loadScenario(join(root, 'scenarios/bwe/rfc8867-variable-capacity.yaml'));
    expect(rfc.durationMs).toBe(100_000);
    const steps = rfc.events.map((e) => (e.type === 'capacityStep' ? [e.atMs, e.factor, e.durationMs] : null));
    expect(steps).toEqual([[40_000, 2.5, 20_000], [60_000, 0.6, 20_000]]);
  });
});

describe('sender and receiver', () => {
  it('packetizes a frame into near-equal packets of at most 1200 bytes, bytes conserved', () => {
    expect(packetizeFrame(2500, 1200)).toEqual([834, 833, 833]);
    expect(packetizeFrame(100, 1200)).toEqual([100]);
    expect(packetizeFrame(0.2, 1200)).toEqual([1]);
    expect(probePackets({ clusterId: 1, bps: 9_600_000, minDurationMs: 15, minPackets: 5 }, 1200)).toBe(15);
    expect(probePackets({ clusterId: 1, bps: 900_000, minDurationMs: 15, minPackets: 5 }, 1200)).toBe(5);
  });

  it('the pacer sends media at the pacing rate and probe padding first, at the probe rate', () => {
    const p = new Pacer();
    p.enqueueFrame([1000, 1000], 0);
    p.wake(0);
    expect(p.nextSendMs()).toBe(0);
    p.pop(0, 8_000_000); // 1000 B at 8 Mbps: 1 ms
    expect(p.nextSendMs()).toBe(1);
    p.enqueueProbe({ clusterId: 7, bps: 4_800_000, minDurationMs: 1, minPackets: 2 }, 1, 1200);
    const probe = p.pop(1, 8_000_000);
    expect(probe.probe).toEqual({ clusterId: 7, bps: 4_800_000 });
    expect(p.nextSendMs()).toBeCloseTo(3, 10); // 1200 B at 4.8 Mbps: 2 ms
    expect(p.queuedPackets).toBe(2);
  });

  it('TWCC feedback reports each packet once, losses once a later packet has arrived; RR loss fraction and jitter', () => {
    const r = new Receiver();
    r.expect({ sequence: 0, sendMs: 0, arrivalMs: 50, bytes: 1000, captureMs: 0 });
    r.lost(1, 10, 1000);
    r.expect({ sequence: 2, sendMs: 20, arrivalMs: 70, bytes: 1000, captureMs: 20 });
    r.lost(3, 30, 1000); // nothing after it has arrived yet
    r.receiveUntil(100);
    const fb = r.takeFeedback()!;
    expect(fb.map((p) => [p.sequence, p.arrivalTimeMs])).toEqual([[0, 50], [1, null], [2, 70]]);
    expect(r.takeFeedback()).toBeNull();
    r.expect({ sequence: 4, sendMs: 40, arrivalMs: 90 + 40, bytes: 1000, captureMs: 40 });
    r.receiveUntil(200);
    expect(r.takeFeedback()!.map((p) => [p.sequence, p.arrivalTimeMs])).toEqual([[3, null], [4, 130]]);
    const rr = r.takeReport(1000);
    expect(rr.lossFraction).toBeCloseTo(2 / 5, 10);
    expect(rr.receivedBps).toBe(24_000);
    // Transit 50, 50, 90: |D| = 0 then 40: J = 40/16.
    expect(rr.jitterMs).toBeCloseTo(40 / 16, 10);
  });

  it('TWCC spacing follows libwebrtc: 5% of the received rate, 50..250 ms', () => {
    const results = (bytes: number) => [{ sequence: 0, sendTimeMs: 0, arrivalTimeMs: 1, bytes }];
    expect(twccIntervalMs(results(12_500), 100)).toBe(50); // 1 Mbps
    expect(twccIntervalMs(results(125), 100)).toBe(250); // 10 kbps
    expect(twccIntervalMs(null, 100)).toBe(250);
    expect(twccIntervalMs(results(1250), 100)).toBeCloseTo((68 * 8 * 1000) / (0.05 * 100_000), 10); // 100 kbps: 109 ms
  });
});
