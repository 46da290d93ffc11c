// BWE simulator: every built-in estimator on the shipped BWE scenarios (RFC 8867 test cases and the
// step profile), printed as a table. Acceptance (issue 5): gcc on the step profile keeps utilisation
// >= 85% with p95 queueing delay <= 100 ms.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BWE_REGISTRY } from '../algorithms/bwe/registry.ts';
import { runBweScenario } from '../harness/bwe-sim/run-bwe.ts';
import { formatBweTable } from '../harness/bwe-sim/table.ts';
import { projectRoot } from '../harness/cli/project.ts';
import type { RunResult } from '../harness/run/types.ts';
import { loadScenario } from '../harness/scenario/parse.ts';

const dir = join(projectRoot, 'scenarios', 'bwe');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const runs: RunResult[] = [];
const started = performance.now();
let simulatedMs = 0;
for (const f of files) {
  const scenario = loadScenario(join(dir, f));
  for (const bwe of BWE_REGISTRY) {
    runs.push(runBweScenario(scenario, bwe, { withoutTimeline: true }));
    simulatedMs += scenario.durationMs;
  }
}
const wallMs = performance.now() - started;
console.log(formatBweTable(runs));
console.log(`\n${runs.length} runs, ${(simulatedMs / 1000).toFixed(0)} simulated s in ${(wallMs / 1000).toFixed(2)} wall s (${Math.round(simulatedMs / wallMs)}x real time)`);

const step = runs.find((r) => r.scenario === 'step-profile' && r.algorithms.bwe === 'gcc');
if (!step) {
  console.log('acceptance: no gcc run on step-profile');
  process.exit(1);
}
const util = step.metrics.utilisationRatio;
const p95 = step.metrics.queueDelayP95Ms;
const met = util >= 0.85 && p95 <= 100;
console.log(`acceptance: gcc on step-profile: utilisation ${(util * 100).toFixed(1)}% (>= 85%), p95 queueing delay ${p95.toFixed(1)} ms (<= 100 ms): ${met ? 'MET' : 'NOT MET'}`);
