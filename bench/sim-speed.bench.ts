// Simulator speed: 1,000 ten-minute streaming sessions (measured traces x ABR algorithms x seeds),
// printed as simulated seconds per wall second. Target (issue 3): >= 100,000 (a session in < 6 ms).
import { join } from 'node:path';
import { ABR_REGISTRY } from '../algorithms/abr/registry.ts';
import { projectRoot } from '../harness/cli/project.ts';
import { runSimScenario } from '../harness/run/run-sim.ts';
import { quickScenario } from '../harness/scenario/parse.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const DURATION_MS = 600_000;
const traces = ['Verizon-LTE-short.down', 'ATT-LTE-driving-2016.down', 'TMobile-UMTS-driving.down'];
const scenarios = traces.map((t) =>
  quickScenario({ traceFile: join(projectRoot, 'scenarios', 'traces', t), abr: ['throughput'], durationMs: DURATION_MS }),
);

// Warm up the JIT so the figure is the steady state, as a long CI matrix sees it.
for (const s of scenarios) for (const a of ABR_REGISTRY) runSimScenario(s, a, { seed: 1, withoutTimeline: true });

const perAlgorithmMs = new Map<string, number[]>();
const started = performance.now();
let simulatedMs = 0;
for (let i = 0; i < SESSIONS; i++) {
  const scenario = scenarios[i % scenarios.length];
  const abr = ABR_REGISTRY[Math.floor(i / scenarios.length) % ABR_REGISTRY.length];
  const t0 = performance.now();
  runSimScenario(scenario, abr, { seed: i + 1, withoutTimeline: true });
  const wall = performance.now() - t0;
  simulatedMs += scenario.durationMs;
  perAlgorithmMs.set(abr.name, [...(perAlgorithmMs.get(abr.name) ?? []), wall]);
}
const wallMs = performance.now() - started;
const ratio = simulatedMs / wallMs;

console.log(`sessions: ${SESSIONS} x ${DURATION_MS / 60000} min on ${traces.length} measured traces x ${ABR_REGISTRY.length} ABR algorithms`);
console.log(`wall: ${(wallMs / 1000).toFixed(2)} s, ${(wallMs / SESSIONS).toFixed(2)} ms per session`);
for (const [name, ms] of perAlgorithmMs) {
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(`  ${name.padEnd(14)} ${mean.toFixed(2)} ms per session (${ms.length} sessions)`);
}
console.log(`simulated seconds per wall second: ${Math.round(ratio).toLocaleString('en')} (target >= 100,000: ${ratio >= 100_000 ? 'MET' : 'NOT MET'})`);
