// A small, deterministic stand-in for simulator output, for report tests: a 60 s step-capacity link with a
// handover outage, a crude segment-by-segment session per toy ABR rule, and metrics computed from it.
import type { ExpectationOutcome, ResultsFile, RunResult, TimelineEvent } from '../../harness/run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';

const LADDER_BPS = [300_000, 750_000, 1_200_000, 2_500_000, 4_300_000];
const SEGMENT_MS = 2000;
const SEGMENT_COUNT = 30;
const BUFFER_MAX_MS = 20_000;
const STARTUP_BUFFER_MS = 4000;
const RTT_MS = 40;
const STEP_MS = 10;

export const SYNTHETIC_SCENARIO = {
  name: 'synthetic-step-handover',
  file: 'test/helpers/synthetic-results.ts',
  description: '5 Mbps, a drop to 1.2 Mbps at 20 s, a 400 ms handover outage at 30 s, back to 4 Mbps at 40 s',
  durationMs: 60_000,
  seed: 7,
};

/** Capacity steps of the downlink (bps from tMs on). */
const CAPACITY: { tMs: number; bps: number }[] = [
  { tMs: 0, bps: 5_000_000 },
  { tMs: 20_000, bps: 1_200_000 },
  { tMs: 30_000, bps: 0 },
  { tMs: 30_400, bps: 1_200_000 },
  { tMs: 40_000, bps: 4_000_000 },
];

function capacityAt(tMs: number): number {
  let bps = CAPACITY[0].bps;
  for (const c of CAPACITY) if (c.tMs <= tMs) bps = c.bps;
  return bps;
}

interface Decision {
  quality: number;
  reason: string;
}
type ToyAbr = (throughputsBps: readonly number[], bufferMs: number) => Decision;

function highestRungAtMost(bps: number): number {
  let q = 0;
  LADDER_BPS.forEach((r, i) => {
    if (r <= bps) q = i;
  });
  return q;
}

export const TOY_ABRS: Record<string, ToyAbr> = {
  throughput(samples) {
    if (!samples.length) return { quality: 0, reason: 'no throughput sample yet: lowest rung' };
    const recent = samples.slice(-3);
    const harmonic = recent.length / recent.reduce((s, x) => s + 1 / x, 0);
    const q = highestRungAtMost(0.9 * harmonic);
    return { quality: q, reason: `harmonic mean ${(harmonic / 1e6).toFixed(2)} Mbps x0.9 -> rung ${q}` };
  },
  buffer(_samples, bufferMs) {
    const q = Math.min(LADDER_BPS.length - 1, Math.floor((bufferMs / BUFFER_MAX_MS) * LADDER_BPS.length));
    return { quality: q, reason: `buffer ${(bufferMs / 1000).toFixed(1)} s of ${BUFFER_MAX_MS / 1000} s -> rung ${q}` };
  },
  greedy(samples) {
    if (!samples.length) return { quality: 2, reason: 'start in the middle of the ladder' };
    const last = samples[samples.length - 1];
    const q = highestRungAtMost(1.3 * last);
    return { quality: q, reason: `last sample ${(last / 1e6).toFixed(2)} Mbps x1.3 -> rung ${q}` };
  },
};

export interface SyntheticOptions {
  algorithms?: string[];
  /** Replaces the reason of segment 3 of the first algorithm (escaping tests). */
  injectReason?: string;
  /** Adds a crashed run of this algorithm name. */
  crashedAlgorithm?: string;
}

function simulateToySession(abr: ToyAbr): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  const samples: number[] = [];
  let tMs = 0;
  let bufferMs = 0;
  let playing = false;
  let stallStartMs: number | null = null;

  const tick = () => {
    if (playing && stallStartMs === null) {
      bufferMs -= STEP_MS;
      if (bufferMs <= 0) {
        bufferMs = 0;
        stallStartMs = tMs + STEP_MS;
        timeline.push({ kind: 'buffer', tMs: tMs + STEP_MS, bufferS: 0 });
      }
    }
    tMs += STEP_MS;
  };

  for (let index = 0; index < SEGMENT_COUNT && tMs < SYNTHETIC_SCENARIO.durationMs; index++) {
    while (bufferMs + SEGMENT_MS > BUFFER_MAX_MS) tick();
    const decision = abr(samples, bufferMs);
    const bitrateBps = LADDER_BPS[decision.quality];
    const bytes = (bitrateBps * SEGMENT_MS) / 8000;
    const requestMs = tMs;
    timeline.push({ kind: 'buffer', tMs: requestMs, bufferS: bufferMs / 1000 });
    for (let rtt = 0; rtt < RTT_MS; rtt += STEP_MS) tick();
    let remainingBits = bytes * 8;
    while (remainingBits > 0) {
      remainingBits -= (capacityAt(tMs) * STEP_MS) / 1000;
      tick();
    }
    const downloadMs = tMs - requestMs;
    samples.push((bytes * 8 * 1000) / downloadMs);
    bufferMs += SEGMENT_MS;
    if (stallStartMs !== null) {
      timeline.push({ kind: 'stall', tMs: stallStartMs, durationMs: tMs - stallStartMs });
      stallStartMs = null;
    }
    if (!playing && bufferMs >= STARTUP_BUFFER_MS) {
      playing = true;
      timeline.push({ kind: 'playback', tMs, state: 'start' });
    }
    timeline.push({ kind: 'segment', tMs: requestMs, index, quality: decision.quality, bitrateBps, bytes, downloadMs, bufferS: bufferMs / 1000, reason: decision.reason });
    timeline.push({ kind: 'buffer', tMs, bufferS: bufferMs / 1000 });
  }
  for (const c of CAPACITY) timeline.push({ kind: 'capacity', tMs: c.tMs, direction: 'down', bps: c.bps });
  timeline.push({ kind: 'capacity', tMs: 0, direction: 'up', bps: 1_000_000 });
  timeline.push({ kind: 'network', tMs: 20_000, type: 'capacityStep', durationMs: null, detail: 'down 5 Mbps -> 1.2 Mbps' });
  timeline.push({ kind: 'network', tMs: 30_000, type: 'handover', durationMs: 400, detail: 'wifi -> lte, 400 ms without link' });
  timeline.push({ kind: 'network', tMs: 40_000, type: 'capacityStep', durationMs: null, detail: 'down 1.2 Mbps -> 4 Mbps' });
  return timeline.sort((a, b) => a.tMs - b.tMs);
}

/** Metrics the way the catalogue defines them, computed from the toy timeline (not hard-coded). */
function toyMetrics(timeline: readonly TimelineEvent[]): Record<string, number> {
  const segments = timeline.filter((e) => e.kind === 'segment');
  const stalls = timeline.filter((e) => e.kind === 'stall');
  const start = timeline.find((e) => e.kind === 'playback');
  const rebufferS = stalls.reduce((s, e) => s + e.durationMs, 0) / 1000;
  const playedS = (segments.length * SEGMENT_MS) / 1000;
  let switchCount = 0;
  let switchSumKbps = 0;
  for (let i = 1; i < segments.length; i++) {
    if (segments[i].quality !== segments[i - 1].quality) {
      switchCount++;
      switchSumKbps += Math.abs(segments[i].bitrateBps - segments[i - 1].bitrateBps) / 1000;
    }
  }
  const avgBitrateKbps = segments.reduce((s, e) => s + e.bitrateBps, 0) / Math.max(1, segments.length) / 1000;
  return {
    avgBitrateKbps,
    rebufferS,
    rebufferRatio: rebufferS / (rebufferS + playedS),
    rebufferCount: stalls.length,
    startupDelayS: (start?.tMs ?? 0) / 1000,
    switchCount,
    avgSwitchKbps: switchCount ? switchSumKbps / switchCount : 0,
    qoeLinear: segments.reduce((s, e) => s + e.bitrateBps / 1e6, 0) - 4.3 * rebufferS - switchSumKbps / 1000,
  };
}

function toyExpectations(abr: string, metrics: Record<string, number>): ExpectationOutcome[] {
  return [
    { expr: 'rebufferS < 1', metric: 'rebufferS', actual: metrics.rebufferS, pass: metrics.rebufferS < 1, where: abr },
    { expr: 'avgBitrate > 1500kbps', metric: 'avgBitrate', actual: metrics.avgBitrateKbps, pass: metrics.avgBitrateKbps > 1500, where: abr },
  ];
}

export function syntheticResults(opts: SyntheticOptions = {}): ResultsFile {
  const algorithms = opts.algorithms ?? ['throughput', 'buffer', 'greedy'];
  const runs: RunResult[] = algorithms.map((abr, i) => {
    const rule = TOY_ABRS[abr];
    if (!rule) throw new Error(`no toy ABR ${abr}`);
    const timeline = simulateToySession(rule);
    if (i === 0 && opts.injectReason !== undefined) {
      const seg = timeline.find((e) => e.kind === 'segment' && e.index === 3);
      if (seg && seg.kind === 'segment') seg.reason = opts.injectReason;
    }
    const metrics = toyMetrics(timeline);
    return {
      scenario: SYNTHETIC_SCENARIO.name,
      scenarioFile: SYNTHETIC_SCENARIO.file,
      mode: 'sim',
      seed: SYNTHETIC_SCENARIO.seed,
      algorithms: { abr },
      status: 'ok',
      metrics,
      expectations: toyExpectations(abr, metrics),
      timeline,
      wallMs: 3 + i,
    };
  });
  if (opts.crashedAlgorithm) {
    runs.push({
      scenario: SYNTHETIC_SCENARIO.name,
      scenarioFile: SYNTHETIC_SCENARIO.file,
      mode: 'sim',
      seed: SYNTHETIC_SCENARIO.seed,
      algorithms: { abr: opts.crashedAlgorithm },
      status: 'crashed',
      error: `TypeError: cannot read properties of undefined (reading 'bitrate') <in ${opts.crashedAlgorithm}>`,
      metrics: {},
      expectations: [],
      timeline: [],
      wallMs: 1,
    });
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'netqoe', version: '0.1.0-test' },
    createdAt: '2025-01-02T03:04:05.678Z',
    command: `netqoe run ${SYNTHETIC_SCENARIO.file} --abr ${algorithms.join(',')}`,
    scenarios: [{ ...SYNTHETIC_SCENARIO }],
    runs,
  };
}
