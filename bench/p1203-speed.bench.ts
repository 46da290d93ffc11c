// P.1203 cost per simulated session, beside the whole session's (issue 3: P.1203 had cut the simulator from ~867k
// to ~107k simulated s per wall s). The same ten-minute sessions as bench/sim-speed: measured traces x ABR
// algorithms x seeds; P.1203 timed on each session's own timeline, with and without a random forest of 40 trees
// (synthetic: the Recommendation's trees are not shipped). Prints figures; asserts nothing.
import { join } from 'node:path';
import { ABR_REGISTRY } from '../algorithms/abr/registry.ts';
import { projectRoot } from '../harness/cli/project.ts';
import { p1203StreamingMetrics } from '../harness/metrics/mos/p1203-streaming.ts';
import { p1203RandomForest } from '../harness/metrics/mos/p1203-random-forest.ts';
import type { TimelineEvent } from '../harness/run/types.ts';
import { runSimScenario } from '../harness/run/run-sim.ts';
import { quickScenario } from '../harness/scenario/parse.ts';
import type { MediaSpec } from '../harness/scenario/types.ts';
import { mulberry32, randomTree } from '../test/helpers/p1203-cases.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const traces = ['Verizon-LTE-short.down', 'ATT-LTE-driving-2016.down', 'TMobile-UMTS-driving.down'];
const scenarios = traces.map((t) => quickScenario({ traceFile: join(projectRoot, 'scenarios', 'traces', t), abr: ['throughput'], durationMs: 600_000 }));

// What runSimScenario hands P.1203: the session's own events (not the capacity and network events added for reports).
const SESSION_KINDS = new Set(['segment', 'stall', 'playback', 'buffer']);
const sessions: { timeline: TimelineEvent[]; media: MediaSpec }[] = [];
for (const s of scenarios) {
  for (const abr of ABR_REGISTRY) {
    for (const seed of [1, 2, 3]) sessions.push({ timeline: runSimScenario(s, abr, { seed }).timeline.filter((e) => SESSION_KINDS.has(e.kind)), media: s.media });
  }
}
const rng = mulberry32(7);
const forest = p1203RandomForest(Array.from({ length: 40 }, () => randomTree(rng, 10)));

function usPerSession(run: () => void, count: number): number {
  for (let i = 0; i < 2; i++) run(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    run();
    samples.push(((performance.now() - t0) * 1000) / count);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const whole = usPerSession(() => {
  for (const s of scenarios) for (const abr of ABR_REGISTRY) for (const seed of [1, 2, 3]) runSimScenario(s, abr, { seed, withoutTimeline: true });
}, sessions.length);
const plain = usPerSession(() => {
  for (const s of sessions) p1203StreamingMetrics(s.timeline, s.media, { randomForest: null });
}, sessions.length);
const withForest = usPerSession(() => {
  for (const s of sessions) p1203StreamingMetrics(s.timeline, s.media, { randomForest: forest });
}, sessions.length);

console.log(`sessions: ${sessions.length} x 10 min (${traces.length} traces x ${ABR_REGISTRY.length} ABR algorithms x 3 seeds), median of ${ROUNDS} rounds`);
console.log(`whole simulated session (runSimScenario): ${whole.toFixed(0)} us`);
console.log(`P.1203 without trees:                     ${plain.toFixed(0)} us (${((100 * plain) / whole).toFixed(1)}% of a session)`);
console.log(`P.1203 with a 40-tree forest:             ${withForest.toFixed(0)} us`);
