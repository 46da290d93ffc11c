// One simulated run: scenario x ABR algorithm -> RunResult (metrics, expectations, timeline).

import type { AbrFactory } from '../../algorithms/abr/types.ts';
import { buildLinkModel } from '../link/link-model.ts';
import type { SimulatedLinkDirection } from '../link/link-direction.ts';
import { evaluateExpectations } from '../metrics/expectations.ts';
import { p1203StreamingMetrics, p1203Variant } from '../metrics/mos/p1203-streaming.ts';
import { networkScore } from '../metrics/network-score.ts';
import { streamingQoe } from '../metrics/streaming-qoe.ts';
import type { Scenario } from '../scenario/types.ts';
import { simulateStreamingSession } from '../sim/streaming-session.ts';
import { capacityTimeline, networkEventTimeline } from '../sim/timeline-extras.ts';
import type { RunResult } from './types.ts';

export interface SimRunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Leave the timeline out (benchmarks). */
  withoutTimeline?: boolean;
  /** How the scenario or the command line named the algorithm (a file path), for per-algorithm expectations. */
  algorithmSpec?: string;
}

export function runSimScenario(scenario: Scenario, abr: AbrFactory, opts: SimRunOptions = {}): RunResult {
  const started = performance.now();
  const seed = opts.seed ?? scenario.seed;
  const link = buildLinkModel(scenario, { seed });
  const session = simulateStreamingSession({
    link,
    media: scenario.media,
    abr: abr.create(),
    abrFile: abr.file,
    durationMs: scenario.durationMs,
  });
  const metrics = {
    ...streamingQoe(session.timeline, { segmentDurationS: scenario.media.segmentDurationMs / 1000 }),
    networkScore: meanNetworkScore(link.down, scenario.durationMs),
    ...p1203StreamingMetrics(session.timeline, scenario.media),
  };
  const timeline = opts.withoutTimeline
    ? []
    : [...session.timeline, ...capacityTimeline(link.down, scenario.durationMs), ...networkEventTimeline(scenario)].sort(
        (a, b) => a.tMs - b.tMs,
      );
  return {
    scenario: scenario.name,
    scenarioFile: scenario.file,
    mode: 'sim',
    seed,
    algorithms: { abr: abr.name },
    models: { p1203: p1203Variant() },
    status: 'ok',
    metrics,
    expectations: evaluateExpectations(scenario.expect, opts.algorithmSpec ? [abr.name, opts.algorithmSpec] : abr.name, metrics),
    timeline,
    wallMs: performance.now() - started,
  };
}

/**
 * The reference notes' 0-100 network score, sampled every second of the downlink and averaged. The
 * bandwidth is what the second could deliver; the loss is what a packet offered in it meets: 100% for the
 * share of the second the link is down (every packet is dropped), the loss model's rate for the rest. The
 * notes' formula caps the bandwidth penalty at 40 and the loss penalty at 30 points, so a dead second
 * scores 30 minus the jitter penalty ("poor"), not 0: the notes define it so and we follow them (it was 60
 * when an outage counted as no bandwidth with the path's usual loss).
 */
export function meanNetworkScore(down: SimulatedLinkDirection, durationMs: number): number {
  const outages = down.compiled.timeline.outages;
  let sum = 0;
  let n = 0;
  let k = 0;
  for (let t = 0; t < durationMs; t += 1000) {
    const end = Math.min(durationMs, t + 1000);
    const state = down.stateAt(t);
    const bandwidthKbps = (down.deliverableBytes(t, end) * 8) / (end - t);
    while (k < outages.length && outages[k].endMs <= t) k++;
    let darkMs = 0;
    for (let j = k; j < outages.length && outages[j].startMs < end; j++) darkMs += Math.min(end, outages[j].endMs) - Math.max(t, outages[j].startMs);
    const darkShare = darkMs / (end - t);
    const lossPct = 100 * (darkShare + (1 - darkShare) * state.lossRate);
    sum += networkScore({ bandwidthKbps, lossPct, jitterMs: state.jitterMs }).score;
    n++;
  }
  return n === 0 ? 0 : Math.round((sum / n) * 10) / 10;
}
