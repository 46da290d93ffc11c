// RobustMPC decision cost: tree nodes visited and wall time per decision, on a 6-rung ladder with a
// random-walk throughput and a buffer that moves with it (a ten-minute session of 2 s segments, repeated).
import { createRobustMpcAbr, solveMpc } from '../algorithms/abr/robust-mpc.ts';
import type { AbrContext, LadderRung, ThroughputSample } from '../algorithms/abr/types.ts';

const LADDER: LadderRung[] = [300, 750, 1200, 1850, 2850, 4300].map((k, i) => ({ bitrateBps: k * 1000, width: 0, height: 240 + 120 * i, fps: 30 }));
const SEGMENT_S = 2;
const SEGMENTS = 300;
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);

let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const sizes = Array.from({ length: SEGMENTS }, () => LADDER.map((r) => r.bitrateBps * SEGMENT_S * (0.7 + 0.6 * random())));

function session(record: (nodes: number) => void): void {
  const abr = createRobustMpcAbr();
  const history: ThroughputSample[] = [];
  let bps = 500_000 + random() * 6_000_000;
  let bufferS = 0;
  let last: number | null = null;
  for (let i = 0; i < SEGMENTS; i++) {
    const ctx: AbrContext = {
      tMs: i * 2000, segmentIndex: i, segmentCount: SEGMENTS, segmentDurationS: SEGMENT_S, bufferS, bufferMaxS: 30,
      ladder: LADDER, segmentSizesBits: (k) => sizes[k], lastQuality: last, throughputHistory: history, network: {}, playing: i > 0,
    };
    const q = abr.choose(ctx).quality;
    bps = Math.min(20e6, Math.max(100_000, bps * (0.75 + 0.5 * random())));
    const dlS = sizes[i][q] / bps;
    bufferS = Math.min(30 - SEGMENT_S, Math.max(0, bufferS - dlS) + SEGMENT_S);
    history.push({ tMs: i * 2000, bytes: sizes[i][q] / 8, durationMs: dlS * 1000, bps });
    if (history.length > 20) history.shift();
    last = q;
  }
  void record;
}

// Node counts, through the solver directly on the same kind of problem.
let nodeSum = 0;
let nodeMax = 0;
let problems = 0;
for (let n = 0; n < 2000; n++) {
  const k = Math.floor(random() * (SEGMENTS - 5));
  const flat = new Float64Array(5 * 6);
  for (let h = 0; h < 5; h++) for (let q = 0; q < 6; q++) flat[h * 6 + q] = sizes[k + h][q];
  const { nodes } = solveMpc({
    bufferS: random() * 28, bufferMaxS: 30, segmentDurationS: SEGMENT_S, throughputBps: 200_000 + random() * 8e6,
    bitratesMbps: LADDER.map((r) => r.bitrateBps / 1e6), sizesBits: flat, horizon: 5,
    lastQuality: Math.floor(random() * 6), rebufferPenalty: 4.3, smoothnessPenalty: 1,
  });
  nodeSum += nodes;
  nodeMax = Math.max(nodeMax, nodes);
  problems++;
}

for (let w = 0; w < 20; w++) session(() => {}); // warm up the JIT
const started = performance.now();
for (let s = 0; s < SESSIONS; s++) session(() => {});
const wallMs = performance.now() - started;
const decisions = SESSIONS * SEGMENTS;

console.log(`robust-mpc, 6 rungs, horizon 5 (full tree 9,330 nodes)`);
console.log(`  nodes per decision: mean ${(nodeSum / problems).toFixed(0)}, max ${nodeMax} (${problems} random problems)`);
console.log(`  ${decisions.toLocaleString('en')} decisions in ${wallMs.toFixed(0)} ms: ${((wallMs * 1000) / decisions).toFixed(1)} us per decision, ${(wallMs / SESSIONS).toFixed(2)} ms per ten-minute session`);
