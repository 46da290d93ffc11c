// P.1203 mode 0: netqoe vs the reference implementation itu-p1203 (github.com/itu-p1203/itu-p1203) on every
// shipped streaming scenario x ABR: the same session (netqoe's P.1203 input, exported as the reference's JSON)
// through both, O.46 side by side with the difference; also netqoe without the random-forest trees, and the
// time each takes. Prints figures; asserts nothing.
//
//   P1203_REF=/path/to/itu-p1203-checkout node bench/p1203-reference.bench.ts
//
// P1203_REF is a checkout of the reference (its itu_p1203/ package and trees are read there at run time, never
// copied into the project; the reference's licence is research-only). Without it, or without python3 with
// numpy, it prints why and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../harness/cli/project.ts';
import { p1203SessionFromTimeline, p1203StreamingMetrics, P1203_ASSUMED_AUDIO } from '../harness/metrics/mos/p1203-streaming.ts';
import { loadP1203Trees } from '../harness/metrics/mos/p1203-random-forest.ts';
import { planMatrix, runLabel, runMatrix } from '../harness/run/run-matrix.ts';
import { loadScenario } from '../harness/scenario/parse.ts';

const ref = process.env.P1203_REF;
if (!ref || !existsSync(join(ref, 'itu_p1203', '__init__.py'))) {
  console.log('skipped: set P1203_REF to a checkout of github.com/itu-p1203/itu-p1203 (with itu_p1203/ and its trees)');
  process.exit(0);
}
const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`skipped: python3 with numpy is needed for the reference (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'netqoe-p1203-'));
// Runs the reference on each JSON input given on the command line; prints one O.46 per line.
const driver = join(dir, 'driver.py');
writeFileSync(
  driver,
  [
    'import sys, json, logging',
    `sys.path.insert(0, ${JSON.stringify(ref)})`,
    'logging.disable(logging.CRITICAL)',
    'from itu_p1203 import P1203Standalone',
    'for f in sys.argv[1:]:',
    '    print(P1203Standalone(json.load(open(f))).calculate_complete()["O46"])',
  ].join('\n'),
);

const trees = loadP1203Trees(join(ref, 'itu_p1203', 'trees'));
const root = projectRoot;
const scenarios = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => loadScenario(join(root, 'scenarios', f)))
  .filter((s) => s.algorithms.abr.length > 0);
const runs = runMatrix(await planMatrix(scenarios)).filter((r) => r.status === 'ok' && r.algorithms.abr);

const rows: { name: string; netqoe: number; parametric: number; file: string }[] = [];
let netqoeMs = 0;
for (const run of runs) {
  const media = scenarios.find((s) => s.name === run.scenario)!.media;
  const t0 = performance.now();
  const netqoe = p1203StreamingMetrics(run.timeline, media, { randomForest: trees }).p1203Mos;
  netqoeMs += performance.now() - t0;
  const parametric = p1203StreamingMetrics(run.timeline, media, { randomForest: null }).p1203Mos;
  const s = p1203SessionFromTimeline(run.timeline, media);
  const file = join(dir, `${rows.length}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      I11: { segments: [{ start: 0, duration: s.playedS, bitrate: P1203_ASSUMED_AUDIO.bitrateKbps, codec: P1203_ASSUMED_AUDIO.codec }] },
      I13: { segments: s.videoSegments.map((v) => ({ start: v.startS, duration: v.durationS, bitrate: v.bitrateKbps, codec: 'h264', fps: v.fps, resolution: `${v.width}x${v.height}` })) },
      I23: { stalling: s.stalls.map((x) => [x.positionS, x.durationS]) },
      IGen: { device: 'pc', displaySize: '1920x1080' },
    }),
  );
  rows.push({ name: `${run.scenario} / ${runLabel(run)}`, netqoe, parametric, file });
}
const t0 = performance.now();
const out = spawnSync('python3', [driver, ...rows.map((r) => r.file)], { encoding: 'utf8', maxBuffer: 1 << 24 });
const refMs = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });
if (out.status !== 0) {
  console.log(`reference failed: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  process.exit(1);
}
const refO46 = out.stdout.trim().split('\n').map(Number);

const w = Math.max(...rows.map((r) => r.name.length));
console.log(`${'session'.padEnd(w)}  netqoe O.46  reference  |diff|     no trees  (no trees - ref)`);
let maxDiff = 0;
let sumGap = 0;
let maxGap = 0;
rows.forEach((r, i) => {
  const d = Math.abs(r.netqoe - refO46[i]);
  const gap = r.parametric - refO46[i];
  maxDiff = Math.max(maxDiff, d);
  sumGap += gap;
  maxGap = Math.max(maxGap, Math.abs(gap));
  console.log(`${r.name.padEnd(w)}  ${r.netqoe.toFixed(4).padStart(11)}  ${refO46[i].toFixed(4).padStart(9)}  ${d.toExponential(1).padStart(7)}  ${r.parametric.toFixed(4).padStart(9)}  ${gap >= 0 ? '+' : ''}${gap.toFixed(3)}`);
});
console.log(`\n${rows.length} sessions: max |netqoe - reference| = ${maxDiff.toExponential(2)} (target < 1e-6)`);
console.log(`without the trees: mean ${(sumGap / rows.length).toFixed(3)}, max |gap| ${maxGap.toFixed(3)}`);
console.log(`time: netqoe ${(netqoeMs / rows.length).toFixed(2)} ms per session, reference ${(refMs / rows.length).toFixed(0)} ms per session (python, incl. start-up); ratio ${(refMs / netqoeMs).toFixed(0)}x`);
