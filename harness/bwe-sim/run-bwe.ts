// One BWE run: scenario x bandwidth estimator -> RunResult (metrics, expectations, timeline), like
// harness/run/run-sim.ts does for ABR, so `netqoe run` can handle BWE scenarios like any other.

import type { BweFactory } from '../../algorithms/bwe/types.ts';
import { evaluateExpectations } from '../metrics/expectations.ts';
import type { RunResult, TimelineEvent } from '../run/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { capacityTimeline, networkEventTimeline } from '../sim/timeline-extras.ts';
import { buildLinkModel } from '../link/link-model.ts';
import { lossRate, mmsysNetworkScore, p95QueueDelayMs, utilisation } from './scores.ts';
import { simulateBwe } from './simulate.ts';
import type { BweSample, BweSimOptions, BweSimResult } from './types.ts';

export interface BweRunOptions extends BweSimOptions {
  /** Leave the timeline out (benchmarks). */
  withoutTimeline?: boolean;
  /** How the scenario named the estimator (a file path), for per-algorithm expectations. */
  algorithmSpec?: string;
}

/** A BWE sample as a timeline entry (the 'bwe' member of TimelineEvent). */
export type BweTimelineSample = Extract<TimelineEvent, { kind: 'bwe' }>;

export function bweTimelineSamples(sim: BweSimResult): BweTimelineSample[] {
  return sim.samples.map((s: BweSample) => ({
    kind: 'bwe',
    tMs: s.tMs,
    direction: sim.direction,
    capacityBps: Math.round(s.capacityBps),
    targetBps: Math.round(s.targetBps),
    sentBps: Math.round(s.sentBps),
    deliveredBps: Math.round(s.deliveredBps),
    queueDelayMs: Math.round(s.queueDelayMs * 10) / 10,
    lossRate: Math.round(s.lossRate * 1e4) / 1e4,
    reason: s.reason,
  }));
}

export function bweMetrics(sim: BweSimResult): Record<string, number> {
  let delivered = 0;
  for (const p of sim.packets) if (p.arrivalMs !== null && p.arrivalMs < sim.durationMs) delivered += p.bytes;
  const meanCapacityBps = sim.durationMs > 0 ? (sim.capacityBytes * 8000) / sim.durationMs : 0;
  let targetSum = 0;
  for (const s of sim.samples) targetSum += s.targetBps;
  const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    utilisationRatio: round(utilisation(delivered, sim.capacityBytes), 4),
    queueDelayP95Ms: round(p95QueueDelayMs(sim.packets), 1),
    lossRatio: round(lossRate(sim.packets), 5),
    mmsysNetworkScore: round(mmsysNetworkScore(sim.packets, meanCapacityBps).score, 2),
    avgDeliveredKbps: round(sim.durationMs > 0 ? (delivered * 8) / sim.durationMs : 0, 1),
    avgTargetKbps: round(sim.samples.length > 0 ? targetSum / sim.samples.length / 1000 : 0, 1),
  };
}

export function runBweScenarioDetailed(scenario: Scenario, factory: BweFactory, opts: BweRunOptions = {}): { run: RunResult; sim: BweSimResult } {
  const started = performance.now();
  const seed = opts.seed ?? scenario.seed;
  const sim = simulateBwe(scenario, factory, { ...opts, seed });
  const metrics = bweMetrics(sim);
  const timeline: TimelineEvent[] = opts.withoutTimeline
    ? []
    : [
        // The capacity schedule is seed-independent: a fresh model's view is the one the run saw.
        ...capacityTimeline(buildLinkModel(scenario, { seed })[sim.direction], scenario.durationMs),
        ...networkEventTimeline(scenario),
        // Every 5th 100 ms sample: a chart needs no more, and results.json stays small.
        ...bweTimelineSamples(sim).filter((_, i) => i % 5 === 0),
      ].sort((a, b) => a.tMs - b.tMs);
  const run: RunResult = {
    scenario: scenario.name,
    scenarioFile: scenario.file,
    mode: 'sim',
    seed,
    algorithms: { bwe: factory.name },
    status: 'ok',
    metrics,
    expectations: evaluateExpectations(scenario.expect, opts.algorithmSpec ? [factory.name, opts.algorithmSpec] : factory.name, metrics),
    timeline,
    wallMs: performance.now() - started,
  };
  return { run, sim };
}

/** scenario x estimator -> RunResult (mode 'sim', algorithms.bwe = the estimator's name). */
export function runBweScenario(scenario: Scenario, factory: BweFactory, opts: BweRunOptions = {}): RunResult {
  return runBweScenarioDetailed(scenario, factory, opts).run;
}
