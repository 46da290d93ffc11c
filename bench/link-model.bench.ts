// Link model speed: compiling a 10-minute Mahimahi schedule, fluid queries (timeToDeliverMs) per second,
// and packets per second through send(). Prints figures; no targets are asserted here.
import { readFileSync } from 'node:fs';
import { compileCapacity } from '../harness/link/capacity-schedule.ts';
import { buildLinkModel, compileLink } from '../harness/link/link-model.ts';
import { createRng } from '../harness/link/prng.ts';
import type { CapacityTrace, DirectionSpec, Scenario } from '../harness/scenario/types.ts';

const TRACE = process.env.BENCH_TRACE ?? '/work/shared/traces/mahimahi/Verizon-LTE-short.down';
const DURATION_MS = 600_000;

/** Mahimahi: one line per 1500-byte delivery opportunity at an integer ms; wraps at the last timestamp. */
function parseMahimahi(text: string): CapacityTrace {
  const stamps = text.split('\n').filter((l) => l.trim() !== '').map(Number);
  const periodMs = stamps[stamps.length - 1];
  const perMs = new Float64Array(periodMs);
  for (const ts of stamps) perMs[ts % periodMs]++;
  const startMs: number[] = [];
  const bps: number[] = [];
  for (let ms = 0; ms < periodMs; ms++) {
    startMs.push(ms);
    bps.push(perMs[ms] * 1500 * 8 * 1000);
  }
  return { file: TRACE, format: 'mahimahi', startMs, bps, periodMs };
}

const trace = parseMahimahi(readFileSync(TRACE, 'utf8'));
const spec = (over: Partial<DirectionSpec>): DirectionSpec => ({
  capacity: { kind: 'trace', trace, scale: 1, offsetMs: 0, loop: true },
  delayMs: 30,
  jitter: { ms: 5, distribution: 'normal', reorder: false },
  loss: { model: 'bernoulli', rate: 0.01 },
  queue: { limit: 200, unit: 'packets', discipline: 'droptail' },
  ...over,
});
const scenario = (): Scenario => ({
  file: 'bench',
  name: 'bench',
  description: '',
  durationMs: DURATION_MS,
  seed: 1,
  mode: 'sim',
  link: 'auto',
  network: [{ name: 'lte', atMs: 0, preset: null, down: spec({}), up: spec({ capacity: { kind: 'constant', bps: 2e6 } }) }],
  events: [{ type: 'outage', atMs: 300_000, durationMs: 2000, direction: 'both' }],
  media: { source: 'ladder', manifestFile: null, segmentDurationMs: 4000, segmentCount: 1, rungs: [], segmentSizesBits: [], bufferMaxMs: 30_000, startupBufferMs: 4000 },
  algorithms: { abr: [], bwe: [], iceRestart: [] },
  expect: [],
});

const fmt = (x: number) => Math.round(x).toLocaleString('en');

// 1. Compile (fresh each time; compileLink memoises per scenario object, compileCapacity does not).
const sc = scenario();
compileCapacity(sc, 'down'); // warm-up
const compileRuns = 10;
let t = performance.now();
let steps = 0;
for (let i = 0; i < compileRuns; i++) steps = compileCapacity(sc, 'down').stepCount;
const compileMs = (performance.now() - t) / compileRuns;
const meanMbps = trace.bps.reduce((a, b) => a + b, 0) / trace.bps.length / 1e6;
console.log(`trace: ${TRACE.split('/').pop()} (${trace.startMs.length.toLocaleString('en')} ms steps, period ${trace.periodMs / 1000} s, mean ${meanMbps.toFixed(2)} Mbit/s)`);
console.log(`compile 10-min schedule (down): ${compileMs.toFixed(1)} ms, ${fmt(steps)} steps after merging equal neighbours`);

// 2. Fluid queries.
const link0 = buildLinkModel(sc, { compiled: compileLink(sc) });
const rng = createRng(1, 'bench');
const Q = 1_000_000;
const t0s = new Float64Array(Q);
const sizes = new Float64Array(Q);
for (let i = 0; i < Q; i++) {
  t0s[i] = rng.next() * DURATION_MS;
  sizes[i] = 1000 + rng.next() * 4e6;
}
let sink = 0;
for (let i = 0; i < 100_000; i++) sink += link0.down.timeToDeliverMs(t0s[i], sizes[i]);
t = performance.now();
for (let i = 0; i < Q; i++) sink += link0.down.timeToDeliverMs(t0s[i], sizes[i]);
const ttdPerS = Q / ((performance.now() - t) / 1000);
t = performance.now();
for (let i = 0; i < Q; i++) sink += link0.down.deliverableBytes(t0s[i], t0s[i] + sizes[i] / 1000);
const dbPerS = Q / ((performance.now() - t) / 1000);
console.log(`timeToDeliverMs: ${fmt(ttdPerS)} queries/s; deliverableBytes: ${fmt(dbPerS)} queries/s`);

// 3. Packets through send(): a paced sender near the mean capacity, and a saturating one (mostly queue drops).
function sendRate(gapMs: number, label: string): void {
  const link = buildLinkModel(sc, { seed: 2 });
  const n = Math.floor(DURATION_MS / gapMs);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const r = link.down.send({ id: i, bytes: 1500 }, i * gapMs);
    if ('deliveredAtMs' in r) sink += r.deliveredAtMs;
  }
  const s = (performance.now() - started) / 1000;
  const st = link.down.stats();
  console.log(
    `send() ${label}: ${fmt(n / s)} packets/s (${fmt(n)} packets over 10 simulated min in ${(s * 1000).toFixed(0)} ms; ` +
      `delivered ${fmt(st.delivered)}, drops queue ${fmt(st.dropped.queue)} loss ${fmt(st.dropped.loss)} outage ${fmt(st.dropped.outage)})`,
  );
}
sendRate(1500 * 8 / (meanMbps * 1e3) / 0.9, 'paced at 90% of mean capacity');
sendRate(0.1, 'saturating (120 Mbit/s offered)');
if (sink === 42) console.log(''); // keep the work observable
