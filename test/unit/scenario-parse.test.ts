// The scenario parser: defaults, presets, per-phase and per-direction fields, loss models, handover rules,
// events, media, expectations, algorithms; and error messages `file:line path: ...` with the right line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { DEFAULT_LADDER } from '../../harness/scenario/media.ts';
import { loadScenario, parseScenarioText, type ParseOptions } from '../../harness/scenario/parse.ts';
import { getPreset, PRESETS } from '../../harness/scenario/presets.ts';
import type { LossSpec, Scenario } from '../../harness/scenario/types.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../scenarios');
const FILE = 'scenarios/test.yaml';
const ABR = ['throughput', 'bola', 'bba', 'robust-mpc'];

const parse = (text: string, opts: ParseOptions = {}): Scenario => parseScenarioText(text, FILE, { baseDir: SCENARIOS, abrNames: ABR, ...opts });

/** The ScenarioError a text raises (the test fails if it parses). */
function errorOf(text: string, opts: ParseOptions = {}): ScenarioError {
  try {
    parse(text, opts);
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError, the text parsed');
}
const errorLines = (text: string, opts?: ParseOptions) => errorOf(text, opts).message.split('\n');

/** 1-based line of the first line of `text` that contains `needle` (to check lines without counting by hand). */
function lineWith(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  throw new Error(`test text has no line with ${JSON.stringify(needle)}`);
}

const MINIMAL = `duration: 60s
network:
  - at: 0
    down: 5Mbps
    up: 1Mbps
`;

/** A one-phase scenario with extra phase fields (indented under the phase) and extra top-level text. */
const onePhase = (phaseFields: string, rest = '') => `duration: 60s
network:
  - at: 0s
    down: 5Mbps
    up: 1Mbps
${phaseFields
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => `    ${l}`)
  .join('\n')}
${rest}`;

describe('defaults', () => {
  it('a minimal scenario gets every default', () => {
    const s = parse(MINIMAL);
    expect(s.file).toBe(FILE);
    expect(s.name).toBe('test'); // from the file name
    expect(s.description).toBe('');
    expect(s.durationMs).toBe(60_000);
    expect(s.seed).toBe(1);
    expect(s.mode).toBe('sim');
    expect(s.link).toBe('auto');
    expect(s.events).toEqual([]);
    expect(s.expect).toEqual([]);
    expect(s.network).toHaveLength(1);
    const p = s.network[0];
    expect(p).toMatchObject({ name: 'phase-0', atMs: 0, preset: null });
    for (const [dir, bps] of [['down', 5e6], ['up', 1e6]] as const) {
      expect(p[dir]).toEqual({
        capacity: { kind: 'constant', bps },
        delayMs: 0,
        jitter: { ms: 0, distribution: 'normal', reorder: false },
        loss: { model: 'none' },
        queue: { limit: 200, unit: 'ms', discipline: 'droptail' },
      });
    }
    expect(s.media.source).toBe('ladder');
    expect(s.media.manifestFile).toBeNull();
    expect(s.media.rungs).toEqual(DEFAULT_LADDER);
    expect(s.media.rungs.map((r) => r.bitrateBps)).toEqual([300e3, 750e3, 1200e3, 1850e3, 2850e3, 4300e3]); // Pensieve's ladder
    expect(s.media.segmentDurationMs).toBe(4000);
    expect(s.media.segmentCount).toBe(15); // the video lasts the scenario
    expect(s.media.segmentSizesBits).toHaveLength(15);
    expect(s.media.segmentSizesBits[7]).toEqual(DEFAULT_LADDER.map((r) => r.bitrateBps * 4));
    expect(s.media.bufferMaxMs).toBe(30_000);
    expect(s.media.startupBufferMs).toBe(4000); // one segment
    expect(s.algorithms).toEqual({ abr: ['throughput'], bwe: [], iceRestart: [] });
  });

  it('top-level fields are read', () => {
    const s = parse(`name: mine\ndescription: a test\nseed: 9\nmode: live\nlink: netem\n${MINIMAL}`);
    expect([s.name, s.description, s.seed, s.mode, s.link]).toEqual(['mine', 'a test', 9, 'live', 'netem']);
  });
});

describe('presets and per-phase fields', () => {
  it('a preset fills every field of both directions', () => {
    for (const preset of PRESETS) {
      const s = parse(`duration: 60s\nnetwork:\n  - at: 0\n    preset: ${preset.name}\n`);
      const p = s.network[0];
      expect(p.name).toBe(preset.name); // an unnamed phase takes its preset's name
      expect(p.preset).toBe(preset.name);
      for (const dir of ['down', 'up'] as const) {
        expect(p[dir].capacity).toEqual({ kind: 'constant', bps: preset[dir].bps });
        expect(p[dir].delayMs).toBe(preset[dir].delayMs);
        expect(p[dir].jitter).toEqual({ ms: preset[dir].jitterMs, distribution: 'normal', reorder: false });
        expect(p[dir].loss).toEqual(preset[dir].lossRate > 0 ? { model: 'bernoulli', rate: preset[dir].lossRate } : { model: 'none' });
        expect(p[dir].queue).toEqual({ ...preset.queue, discipline: 'droptail' });
      }
    }
  });

  it('preset numbers: one-way delay is half the RTT; WebPageTest LTE and 3G', () => {
    expect(getPreset('lte')).toMatchObject({ down: { bps: 12e6, delayMs: 35 }, up: { bps: 12e6, delayMs: 35 } });
    expect(getPreset('3g')).toMatchObject({ down: { bps: 1.6e6, delayMs: 150 }, up: { bps: 768e3, delayMs: 150 } });
    for (const p of PRESETS) expect(p.source.length).toBeGreaterThan(20);
  });

  it('per-phase fields override the preset, the rest comes from it', () => {
    const s = parse(onePhase('name: cell\npreset: 3g\njitter: 30ms\nqueue: 50\nloss: 1%').replace('down: 5Mbps', 'down: 2Mbps').replace('    up: 1Mbps\n', ''));
    const p = s.network[0];
    const g = getPreset('3g')!;
    expect(p.name).toBe('cell');
    expect(p.down.capacity).toEqual({ kind: 'constant', bps: 2e6 });
    expect(p.up.capacity).toEqual({ kind: 'constant', bps: g.up.bps });
    expect(p.down.delayMs).toBe(g.down.delayMs);
    expect(p.down.jitter).toEqual({ ms: 30, distribution: 'normal', reorder: false });
    expect(p.up.queue).toEqual({ limit: 50, unit: 'packets', discipline: 'droptail' });
    expect(p.up.loss).toEqual({ model: 'bernoulli', rate: 0.01 });
  });

  it('rtt is split into a one-way delay each way; delay is one-way', () => {
    expect(parse(onePhase('rtt: 80ms')).network[0].up.delayMs).toBe(40);
    expect(parse(onePhase('rtt: 80ms')).network[0].down.delayMs).toBe(40);
    expect(parse(onePhase('delay: 30ms')).network[0].down.delayMs).toBe(30);
    expect(parse(onePhase('preset: satellite\nrtt: 100ms')).network[0].down.delayMs).toBe(50);
    const text = onePhase('rtt: 80ms\ndelay: 30ms');
    expect(errorLines(text)).toEqual([`${FILE}:${lineWith(text, 'delay:')} network[0].delay: expected either rtt or delay (one-way), got both`]);
  });

  it('downlink/uplink override one direction', () => {
    const s = parse(
      onePhase(`delay: 10ms
jitter: 2ms
queue: 100
downlink: {delay: 50ms, loss: 2%, queue: 64KB, jitter: {ms: 3ms, distribution: uniform, reorder: true}}
uplink: {capacity: 2Mbps, queue: 1.5s}`),
    );
    const { down, up } = s.network[0];
    expect(down).toEqual({
      capacity: { kind: 'constant', bps: 5e6 },
      delayMs: 50,
      jitter: { ms: 3, distribution: 'uniform', reorder: true },
      loss: { model: 'bernoulli', rate: 0.02 },
      queue: { limit: 64_000, unit: 'bytes', discipline: 'droptail' },
    });
    expect(up).toEqual({
      capacity: { kind: 'constant', bps: 2e6 },
      delayMs: 10,
      jitter: { ms: 2, distribution: 'normal', reorder: false },
      loss: { model: 'none' },
      queue: { limit: 1500, unit: 'ms', discipline: 'droptail' },
    });
  });

  it('jitter as a map: distribution and reorder', () => {
    for (const distribution of ['uniform', 'normal', 'pareto'] as const) {
      const s = parse(onePhase(`jitter: {ms: 40ms, distribution: ${distribution}, reorder: true}`));
      expect(s.network[0].down.jitter).toEqual({ ms: 40, distribution, reorder: true });
    }
    expect(parse(onePhase('jitter: {ms: 5}')).network[0].down.jitter).toEqual({ ms: 5000, distribution: 'normal', reorder: false });
  });

  it('a phase without capacity and without a preset is an error', () => {
    const text = `duration: 60s\nnetwork:\n  - at: 0\n    up: 1Mbps\n`;
    expect(errorLines(text)).toEqual([`${FILE}:3 network[0]: missing down capacity: give "down: 5Mbps" (or a trace), or a preset`]);
  });

  it('a trace capacity: file relative to the scenario, scale, offset, loop', () => {
    const s = parse(onePhase('').replace('down: 5Mbps', 'down: {trace: traces/Verizon-LTE-short.down, scale: 0.5, offset: 10s, loop: false}'));
    const cap = s.network[0].down.capacity;
    if (cap.kind !== 'trace') throw new Error('expected a trace');
    expect(cap).toMatchObject({ kind: 'trace', scale: 0.5, offsetMs: 10_000, loop: false });
    expect(cap.trace.file).toBe(join(SCENARIOS, 'traces/Verizon-LTE-short.down'));
    expect(cap.trace.format).toBe('mahimahi');
    // An offset past the end of a trace that does not loop leaves no capacity; a looping one wraps.
    const past = onePhase('').replace('down: 5Mbps', 'down: {trace: traces/example-sabre-network.json, offset: 70s, loop: false}');
    expect(errorLines(past)).toEqual([`${FILE}:4 network[0].down.offset: expected an offset within the trace (70 s long, loop: false), got "70s"`]);
    expect(parse(past.replace('loop: false', 'loop: true')).network[0].down.capacity).toMatchObject({ offsetMs: 70_000, loop: true });
    const d = parse(onePhase('').replace('down: 5Mbps', 'down: {trace: traces/example-sabre-network.json}')).network[0].down.capacity;
    expect(d).toMatchObject({ kind: 'trace', scale: 1, offsetMs: 0, loop: true, trace: { format: 'sabre' } });
  });
});

describe('loss models', () => {
  const lossOf = (loss: string): LossSpec => parse(onePhase(`loss: ${loss}`)).network[0].down.loss;

  it('Bernoulli from a percentage or a map; 0 and {model: none} are no loss', () => {
    expect(lossOf('1%')).toEqual({ model: 'bernoulli', rate: 0.01 });
    expect(lossOf('0.02')).toEqual({ model: 'bernoulli', rate: 0.02 });
    expect(lossOf('{model: bernoulli, rate: 0.5%}')).toEqual({ model: 'bernoulli', rate: 0.005 });
    expect(lossOf('0%')).toEqual({ model: 'none' });
    expect(lossOf('{model: none}')).toEqual({ model: 'none' });
  });

  it('Gilbert-Elliott from p and r, state losses default to 0% and 100%', () => {
    expect(lossOf('{model: gilbert-elliott, p: 1%, r: 30%, lossGood: 0.1%, lossBad: 80%}')).toEqual({
      model: 'gilbert-elliott',
      p: 0.01,
      r: 0.3,
      lossGood: 0.001,
      lossBad: 0.8,
    });
    expect(lossOf('{model: gilbert-elliott, p: 1%, r: 30%}')).toEqual({ model: 'gilbert-elliott', p: 0.01, r: 0.3, lossGood: 0, lossBad: 1 });
  });

  it('Gilbert-Elliott from rate and burst: r = 1/burst, p = rate r / (1 - rate), stationary loss = rate', () => {
    expect(lossOf('{model: gilbert-elliott, rate: 1%, burst: 4}')).toEqual({ model: 'gilbert-elliott', p: (0.01 * 0.25) / 0.99, r: 0.25, lossGood: 0, lossBad: 1 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.double({ min: 1, max: 100, noNaN: true }), (basisPoints, burst) => {
        const rate = basisPoints / 10_000;
        const loss = lossOf(`{model: gilbert-elliott, rate: ${basisPoints / 100}%, burst: ${burst}}`);
        if (loss.model !== 'gilbert-elliott') throw new Error('expected gilbert-elliott');
        const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
        expect(relErr(loss.r, 1 / burst)).toBeLessThan(1e-12);
        expect(relErr(loss.p, (rate * loss.r) / (1 - rate))).toBeLessThan(1e-12);
        // Stationary probability of the bad state (lossBad 100%, lossGood 0): the long-run loss.
        expect(loss.p / (loss.p + loss.r)).toBeCloseTo(rate, 9);
        expect([loss.lossGood, loss.lossBad]).toEqual([0, 1]);
      }),
      { numRuns: 60 },
    );
  });

  it('Gilbert-Elliott mistakes are errors on the line of the loss', () => {
    const cases: [string, string][] = [
      ['{model: gilbert-elliott, p: 1%, r: 30%, rate: 1%, burst: 3}', 'network[0].loss: expected either p and r, or rate and burst, got both forms'],
      ['{model: gilbert-elliott, rate: 1%}', 'network[0].loss: expected both rate and burst, got only rate'],
      ['{model: gilbert-elliott, burst: 3}', 'network[0].loss: expected both rate and burst, got only burst'],
      ['{model: gilbert-elliott, rate: 1%, burst: 0.5}', 'network[0].loss.burst: expected a mean burst length >= 1 packet, got 0.5'],
      ['{model: gilbert-elliott, rate: 100%, burst: 3}', 'network[0].loss.rate: expected a loss rate below 100% for a bursty model, got "100%"'],
      ['{model: gilbert-elliott, rate: 1%, burst: 3, lossBad: 50%}', 'network[0].loss.lossBad: rate and burst assume lossGood 0% and lossBad 100%: give p and r to set lossBad'],
      ['{model: gilbert-elliott, p: 1%, r: 0}', 'network[0].loss.r: expected r > 0 (with r = 0 the bad state never ends), got 0'],
      ['{model: gilbert-elliott, p: 1%}', 'network[0].loss: expected p and r (or rate and burst), got no r'],
      ['{model: gilbert-elliott, p: 101%, r: 5%}', 'network[0].loss.p: expected a percentage like "0.5%" (or a fraction 0..1), between 0% and 100%, got "101%"'],
      ['{model: gilbert, p: 1%}', 'network[0].loss.model: expected one of none, bernoulli, gilbert-elliott, got "gilbert" (did you mean "gilbert-elliott"?)'],
      ['12x', 'network[0].loss: expected a percentage like "0.5%" (or a fraction 0..1), got "12x"'],
    ];
    for (const [loss, message] of cases) {
      const text = onePhase(`loss: ${loss}`);
      expect(errorLines(text), loss).toEqual([`${FILE}:${lineWith(text, 'loss:')} ${message}`]);
    }
  });
});

describe('phases, handovers and events', () => {
  const phases = `duration: 180s
network:
  - name: wifi
    at: 0s
    preset: wifi
  - name: lte
    preset: lte
  - name: late
    at: 120s
    preset: 3g
`;

  it('a handover target without "at" starts at the handover; phases are sorted by effective start', () => {
    const s = parse(`${phases}events:\n  - {at: 70s, type: handover, to: lte, outage: 1.5s}\n`);
    expect(s.network.map((p) => [p.name, p.atMs])).toEqual([
      ['wifi', 0],
      ['lte', null],
      ['late', 120_000],
    ]);
    expect(s.events).toEqual([{ type: 'handover', atMs: 70_000, to: 'lte', outageMs: 1500, addressChange: true }]);
    // Written out of order, sorted by effective start.
    const shuffled = `duration: 180s\nnetwork:\n  - {name: late, at: 120s, preset: 3g}\n  - {name: lte, preset: lte}\n  - {name: wifi, at: 0s, preset: wifi}\nevents:\n  - {at: 130s, type: handover, to: lte, addressChange: false}\n`;
    const t = parse(shuffled);
    expect(t.network.map((p) => p.name)).toEqual(['wifi', 'late', 'lte']);
    expect(t.events[0]).toEqual({ type: 'handover', atMs: 130_000, to: 'lte', outageMs: 0, addressChange: false });
  });

  it('a handover target with the same "at" is fine; a different "at" is an error on the handover', () => {
    expect(parse(`${phases.replace('    preset: lte', '    at: 70s\n    preset: lte')}events:\n  - {at: 70s, type: handover, to: lte}\n`).network[1].atMs).toBe(70_000);
    // The two spellings of one time are the same time.
    expect(parse(`${phases.replace('    preset: lte', '    at: 70.1s\n    preset: lte')}events:\n  - {at: 70100ms, type: handover, to: lte}\n`).network[1].atMs).toBe(70_100);
    const text = `${phases.replace('    preset: lte', '    at: 60s\n    preset: lte')}events:\n  - {at: 70s, type: handover, to: lte}\n`;
    expect(errorLines(text)).toEqual([
      `${FILE}:${lineWith(text, 'type: handover')} events[0].at: phase "lte" starts at 60 s but the handover to it is at 70 s: drop the phase's "at" or make them equal`,
    ]);
  });

  it('a phase without "at" that no handover leads to is an error', () => {
    expect(errorLines(phases)).toEqual([`${FILE}:${lineWith(phases, 'name: lte')} network[1]: phase "lte" has no "at" and no handover leads to it: give it "at" or a handover event`]);
  });

  it('two handovers to one phase without "at" are an error', () => {
    const text = `${phases}events:\n  - {at: 70s, type: handover, to: lte}\n  - {at: 100s, type: handover, to: lte}\n`;
    expect(errorLines(text)).toEqual([
      `${FILE}:${lineWith(text, 'at: 100s')} events[1].to: phase "lte" without "at" is already the target of another handover; give each its own phase`,
    ]);
  });

  it('a handover to an unknown phase is an error with did-you-mean', () => {
    const text = `${phases}events:\n  - {at: 70s, type: handover, to: lt}\n`;
    const lines = errorLines(text);
    expect(lines[0]).toBe(`${FILE}:${lineWith(text, 'to: lt}')} events[0].to: expected the name of a phase in network, got "lt" (did you mean "lte"?)`);
  });

  it('a handover to a phase with its own error adds no "unknown phase" error', () => {
    const text = `${phases.replace('    preset: lte', '    preset: lte\n    down: 5x')}events:\n  - {at: 70s, type: handover, to: lte}\n`;
    expect(errorLines(text)).toEqual([`${FILE}:${lineWith(text, 'down: 5x')} network[1].down: expected a rate like "5Mbps", "800kbps" or a number of bit/s, got "5x"`]);
  });

  it('the first phase must start at 0; two phases cannot start together', () => {
    const late = `duration: 60s\nnetwork:\n  - at: 5s\n    down: 5Mbps\n    up: 1Mbps\n`;
    expect(errorLines(late)).toEqual([`${FILE}:3 network[0].at: expected the first phase to start at 0s, got 5 s`]);
    const twin = `${MINIMAL}  - at: 0s\n    down: 1Mbps\n    up: 1Mbps\n`;
    expect(errorLines(twin)).toEqual([`${FILE}:6 network[1].at: phase "phase-1" starts at 0 s like phase "phase-0": give each phase its own start`]);
  });

  it('a phase or event after the end is an error; unique phase names', () => {
    const text = `${MINIMAL}  - {at: 60s, down: 1Mbps, up: 1Mbps}\nevents:\n  - {at: 61s, type: outage, duration: 1s}\n`;
    expect(errorLines(text)).toEqual([
      `${FILE}:${lineWith(text, 'type: outage')} events[0].at: expected a time before the scenario's end (60 s), got "61s"`,
      `${FILE}:6 network[1].at: expected a start before the scenario's end (60 s), got 60 s`,
    ]);
    const dup = `duration: 60s\nnetwork:\n  - {name: a, at: 0, down: 1Mbps, up: 1Mbps}\n  - {name: a, at: 10s, down: 1Mbps, up: 1Mbps}\n`;
    expect(errorLines(dup)).toEqual([`${FILE}:4 network[1].name: expected a unique phase name, got "a" again (also network[0])`]);
    // Unnamed phases with one preset get distinct names.
    const same = parse(`duration: 60s\nnetwork:\n  - {at: 0, preset: lte}\n  - {at: 10s, preset: lte}\n`);
    expect(same.network.map((p) => p.name)).toEqual(['lte', 'lte-1']);
    // A name written in the file wins over a preset's default name, wherever it is listed.
    const written = parse(`duration: 60s\nnetwork:\n  - {at: 0, preset: lte}\n  - {name: lte, at: 10s, preset: 3g}\n`);
    expect(written.network.map((p) => [p.name, p.preset])).toEqual([
      ['lte-0', 'lte'],
      ['lte', '3g'],
    ]);
  });

  it('events: defaults, conversions, sorted by time', () => {
    const s = parse(`${MINIMAL}events:
  - {at: 40s, type: capacityStep, factor: 0.5}
  - {at: 30s, type: lossBurst, duration: 4s, loss: 15%, direction: down}
  - {at: 10s, type: outage, duration: 500ms}
  - {at: 20s, type: capacityStep, rate: 800kbps, duration: 5s, direction: up}
`);
    expect(s.events).toEqual([
      { type: 'outage', atMs: 10_000, durationMs: 500, direction: 'both' },
      { type: 'capacityStep', atMs: 20_000, durationMs: 5000, factor: null, bps: 800e3, direction: 'up' },
      { type: 'lossBurst', atMs: 30_000, durationMs: 4000, rate: 0.15, direction: 'down' },
      { type: 'capacityStep', atMs: 40_000, durationMs: null, factor: 0.5, bps: null, direction: 'both' },
    ]);
  });

  it('an outage or loss burst of 0 s is an error on its duration', () => {
    const t = onePhase('', 'events:\n  - {at: 10s, type: outage, duration: 0s}\n  - {at: 20s, type: lossBurst, duration: 0ms, loss: 5%}\n');
    expect(errorLines(t)).toEqual([
      `${FILE}:${lineWith(t, 'type: outage')} events[0].duration: expected a duration > 0, got "0s"`,
      `${FILE}:${lineWith(t, 'type: lossBurst')} events[1].duration: expected a duration > 0, got "0ms"`,
    ]);
  });

  it('capacityStep needs exactly one of factor and rate', () => {
    for (const [fields, got] of [
      ['', 'neither'],
      ['factor: 2, rate: 1Mbps, ', 'both'],
    ]) {
      const text = `${MINIMAL}events:\n  - {at: 10s, type: capacityStep, ${fields}duration: 5s}\n`;
      expect(errorLines(text)).toEqual([`${FILE}:7 events[0]: expected exactly one of factor (x0.5) and rate ("1Mbps"), got ${got}`]);
    }
  });
});

describe('media', () => {
  const media = (m: string) => parse(`${MINIMAL}media:\n${m.replace(/^/gm, '  ')}\n`).media;

  it('a ladder: sorted ascending, resolution guessed when absent, fps 30 by default', () => {
    const m = media(`segment: 2s
length: 61s
buffer: 20s
startup: 8s
ladder:
  - {bitrate: 3Mbps, resolution: 1920x1080, fps: 60}
  - {bitrate: 500kbps}`);
    expect(m.rungs).toEqual([
      { bitrateBps: 500e3, width: 640, height: 360, fps: 30 },
      { bitrateBps: 3e6, width: 1920, height: 1080, fps: 60 },
    ]);
    expect(m.segmentDurationMs).toBe(2000);
    expect(m.segmentCount).toBe(31); // the last segment is partly past the length
    expect(m.segmentSizesBits[30]).toEqual([1e6, 6e6]);
    expect([m.bufferMaxMs, m.startupBufferMs]).toEqual([20_000, 8000]);
  });

  it('segments sets the count; a length shorter than a segment is one segment', () => {
    expect(media('segments: 10').segmentCount).toBe(10);
    expect(media('length: 1s').segmentCount).toBe(1);
  });

  it('a Sabre manifest: ladder, segment duration and VBR sizes from the file; segments truncates', () => {
    const m = media('manifest: manifests/example-movie.json');
    expect(m.source).toBe('manifest');
    expect(m.manifestFile).toBe(join(SCENARIOS, 'manifests/example-movie.json'));
    expect(m.segmentDurationMs).toBe(4000);
    expect(m.segmentCount).toBe(60);
    expect(m.rungs.map((r) => r.bitrateBps)).toEqual([300e3, 750e3, 1200e3, 1850e3, 2850e3, 4300e3]);
    expect(m.segmentSizesBits[0]).toEqual([1311711, 3279277, 5246844, 8088884, 12461254, 18801190]);
    expect(m.startupBufferMs).toBe(4000);
    expect(media('manifest: manifests/example-movie.json\nsegments: 10').segmentCount).toBe(10);
  });

  it('media mistakes', () => {
    const bad = (m: string) => errorLines(`${MINIMAL}media:\n${m.replace(/^/gm, '  ')}\n`);
    expect(bad('manifest: manifests/example-movie.json\nsegment: 2s')).toEqual([`${FILE}:8 media.segment: a manifest sets the ladder and segments: remove "segment"`]);
    expect(bad('length: 60s\nsegments: 10')).toEqual([`${FILE}:8 media.segments: expected either length or segments, got both`]);
    expect(bad('buffer: 3s')).toEqual([
      `${FILE}:7 media.buffer: expected a buffer of at least one segment (4 s), got 3 s`,
      // The default startup (one segment) no longer fits either; a missing key is reported where its map is.
      `${FILE}:6 media.startup: expected a startup buffer no larger than the buffer (3 s), got 4 s`,
    ]);
    expect(bad('buffer: 10s\nstartup: 12s')).toEqual([`${FILE}:8 media.startup: expected a startup buffer no larger than the buffer (10 s), got 12 s`]);
    expect(bad('segment: 0s')).toEqual([`${FILE}:7 media.segment: expected a segment duration > 0, got "0s"`]);
    expect(bad('ladder:\n  - {bitrate: 0}\n  - {bitrate: 5MBps}')).toEqual([
      `${FILE}:8 media.ladder[0].bitrate: expected a bitrate > 0, got 0`,
      `${FILE}:9 media.ladder[1].bitrate: expected a rate like "5Mbps", "800kbps" or a number of bit/s (bits, not bytes: "5MBps" reads as bytes per second), got "5MBps"`,
    ]);
    expect(bad('ladder:\n  - {bitrate: 1Mbps}\n  - {bitrate: 1000kbps}')).toEqual([`${FILE}:9 media.ladder[1].bitrate: expected a bitrate no other rung has, got "1000kbps" as rung 0 has`]);
    const missing = bad('manifest: manifests/nope.json');
    expect(missing).toEqual([`${FILE}:7 media.manifest: ${join(SCENARIOS, 'manifests/nope.json')}: expected a readable manifest file, got ENOENT`]);
  });
});

describe('expectations', () => {
  const exp = (e: string, abr = '[throughput, bba]') => parse(`${MINIMAL}algorithms:\n  abr: ${abr}\nexpect:\n${e.replace(/^/gm, '  ')}\n`).expect;

  it('names resolve to metric keys and values convert into the metric unit', () => {
    const e = exp(`avgBitrate: "> 1.5Mbps"
rebufferRatio: "< 2%"
startupDelay: "< 5s"
rebufferS: "<= 500ms"
switchCount: "== 3"
avgSwitchKbps: ">= 200"
qoeLinear: "> -10"`);
    expect(e.map((x) => [x.metric, x.op, x.value, x.algorithm])).toEqual([
      ['avgBitrateKbps', '>', 1500, null],
      ['rebufferRatio', '<', 0.02, null],
      ['startupDelayS', '<', 5, null],
      ['rebufferS', '<=', 0.5, null],
      ['switchCount', '==', 3, null],
      ['avgSwitchKbps', '>=', 200, null],
      ['qoeLinear', '>', -10, null],
    ]);
    expect(e[0].text).toBe('avgBitrate > 1.5Mbps');
    expect(e[0].where).toBe(`${FILE}:9`);
    expect(e[1].where).toBe(`${FILE}:10`);
  });

  it('a block under an algorithm applies to it alone', () => {
    const e = exp('rebufferRatio: "< 5%"\nbba: {avgBitrate: "> 800kbps", rebufferRatio: "< 1%"}');
    expect(e.map((x) => [x.metric, x.value, x.algorithm, x.where])).toEqual([
      ['rebufferRatio', 0.05, null, `${FILE}:9`],
      ['avgBitrateKbps', 800, 'bba', `${FILE}:10`],
      ['rebufferRatio', 0.01, 'bba', `${FILE}:10`],
    ]);
  });

  it('a name several metrics share, or an algorithm name without a block, is an error', () => {
    const text = `${MINIMAL}expect:\n  rebuffer: "< 2s"\n`;
    expect(errorLines(text)).toEqual([`${FILE}:7 expect.rebuffer: expected one metric, got "rebuffer", which could be rebufferS, rebufferRatio, rebufferCount: write the whole key`]);
    const block = `${MINIMAL}algorithms:\n  abr: [bba]\nexpect:\n  bba: "< 5"\n`;
    expect(errorLines(block)).toEqual([`${FILE}:9 expect.bba: expected a map of expectations for algorithm "bba" ({metric: "op value"}), got "< 5"`]);
    expect(exp('rebufferS: "< 2s"\nrebufferCount: "<= 1"').map((x) => [x.metric, x.value])).toEqual([
      ['rebufferS', 2],
      ['rebufferCount', 1],
    ]);
  });

  it('unknown metrics, blocks for unlisted algorithms and bad values are errors', () => {
    const text = `${MINIMAL}algorithms:\n  abr: [throughput, bba]\nexpect:\n  rebuferRatio: "< 2%"\n  bola:\n    avgBitrate: "> 1Mbps"\n  avgBitrate: "> fast"\n  switchCount: 3\n`;
    expect(errorLines(text)).toEqual([
      `${FILE}:9 expect.rebuferRatio: unknown metric "rebuferRatio" (did you mean "rebufferRatio"?)`,
      `${FILE}:10 expect.bola: a block of expectations must be named after an algorithm of algorithms.abr (throughput, bba), got "bola" (did you mean "bba"?)`,
      `${FILE}:12 expect.avgBitrate: expected a rate like "1.5Mbps" (a plain number is kbps) after ">", got "fast"`,
      `${FILE}:13 expect.switchCount: expected a comparison like "< 2%" or ">= 1.5Mbps", got 3`,
    ]);
  });
});

describe('algorithms', () => {
  it('names are checked against abrNames with did-you-mean; a string is a one-item list', () => {
    expect(parse(`${MINIMAL}algorithms:\n  abr: bola\n`).algorithms.abr).toEqual(['bola']);
    expect(parse(`${MINIMAL}algorithms:\n  abr: [bba, robust-mpc]\n  bwe: gcc\n`).algorithms).toEqual({ abr: ['bba', 'robust-mpc'], bwe: ['gcc'], iceRestart: [] });
    const text = `${MINIMAL}algorithms:\n  abr: [bba, robust-mcp]\n`;
    expect(errorLines(text)).toEqual([
      `${FILE}:7 algorithms.abr[1]: expected one of throughput, bola, bba, robust-mpc or a file (./my-abr.ts), got "robust-mcp" (did you mean "robust-mpc"?)`,
    ]);
    expect(errorLines(`${MINIMAL}algorithms:\n  abr: [bba, bola, bba]\n`)).toEqual([`${FILE}:7 algorithms.abr[2]: expected each algorithm once, got "bba" again (also algorithms.abr[0])`]);
    // Without abrNames, any name passes (the runner checks it).
    expect(parseScenarioText(`${MINIMAL}algorithms:\n  abr: [anything]\n`, FILE, { baseDir: SCENARIOS }).algorithms.abr).toEqual(['anything']);
  });

  it('a file algorithm is resolved relative to the scenario and must exist', () => {
    const fixtures = resolve(import.meta.dirname, '../fixtures');
    const s = parse(`${MINIMAL}algorithms:\n  abr: [bba, ./greedy-abr.ts]\n`, { baseDir: fixtures });
    expect(s.algorithms.abr).toEqual(['bba', join(fixtures, 'greedy-abr.ts')]);
    // Its expectation block is keyed as written and carries the resolved entry of algorithms.abr.
    for (const abr of ['[./greedy-abr.ts]', './greedy-abr.ts']) {
      const e = parse(`${MINIMAL}algorithms:\n  abr: ${abr}\nexpect:\n  ./greedy-abr.ts: {switchCount: "< 3"}\n`, { baseDir: fixtures }).expect;
      expect(e.map((x) => [x.metric, x.algorithm])).toEqual([['switchCount', join(fixtures, 'greedy-abr.ts')]]);
    }
    expect(errorLines(`${MINIMAL}algorithms:\n  abr: [./nope-abr.ts]\n`, { baseDir: fixtures })).toEqual([
      `${FILE}:7 algorithms.abr[0]: expected an algorithm file, got "./nope-abr.ts" (no such file: ${join(fixtures, 'nope-abr.ts')})`,
    ]);
  });
});

describe('error messages', () => {
  const text = `# comments count as lines
name: errors
duration: 60s
mode: sim
network:
  - name: a
    at: 0s
    down: 5Mbps
    up: 1Mbps
    delay: 20ms
    queue: 100
`;
  const withLine = (needle: string, replacement: string) => text.replace(needle, replacement);

  it('an unknown key: the line of the key, with did-you-mean', () => {
    const t = withLine('    delay: 20ms', '    dalay: 20ms');
    expect(errorLines(t)[0]).toBe(`${FILE}:10 network[0].dalay: unknown key (did you mean "delay"?)`);
    const top = withLine('mode: sim', 'mdoe: sim');
    expect(errorLines(top)[0]).toBe(`${FILE}:4 mdoe: unknown key (did you mean "mode"?)`);
    // A key that belongs elsewhere is not suggested as itself.
    const here = withLine('    queue: 100', '    downlink:\n      rtt: 40ms');
    expect(errorLines(here)[0]).toBe(`${FILE}:12 network[0].downlink.rtt: unknown key here ("rtt" belongs in a network phase)`);
  });

  it('a bad unit: the line of the value, even when it is on the next line', () => {
    expect(errorLines(withLine('down: 5Mbps', 'down: 5Mbs'))[0]).toBe(
      `${FILE}:8 network[0].down: expected a rate like "5Mbps", "800kbps" or a number of bit/s, got "5Mbs"`,
    );
    expect(errorLines(withLine('    delay: 20ms', '    delay:\n      20 lightyears'))[0]).toBe(
      `${FILE}:11 network[0].delay: expected a duration like "40ms", "1.5s" or "2min" (a plain number is seconds), got "20 lightyears"`,
    );
    expect(errorLines(withLine('    queue: 100', '    queue: 1.5'))[0]).toBe(
      `${FILE}:11 network[0].queue: expected a queue limit: packets (100), a size ("64KB") or a time ("200ms"), got 1.5`,
    );
  });

  it('a wrong enum value, with did-you-mean', () => {
    expect(errorLines(withLine('mode: sim', 'mode: simulation'))).toEqual([`${FILE}:4 mode: expected one of sim, live, got "simulation"`]);
    expect(errorLines(withLine('mode: sim', 'mode: lvie'))).toEqual([`${FILE}:4 mode: expected one of sim, live, got "lvie" (did you mean "live"?)`]);
    expect(errorLines(withLine('mode: sim', 'link: tc'))).toEqual([`${FILE}:4 link: expected one of relay, netem, auto, got "tc"`]);
    expect(errorLines(withLine('    queue: 100', '    preset: 4g'))).toEqual([
      `${FILE}:11 network[0].preset: expected one of wifi, wifi-congested, lte, 3g, edge, 5g, satellite, got "4g" (did you mean "3g"?)`,
    ]);
    expect(errorLines(`${text}events:\n  - {at: 1s, type: handovr, to: a}\n`)).toEqual([
      `${FILE}:13 events[0].type: expected one of handover, outage, lossBurst, capacityStep, got "handovr" (did you mean "handover"?)`,
    ]);
  });

  it('missing required keys: duration, network, an event field', () => {
    expect(errorLines(text.replace('duration: 60s\n', ''))).toEqual([`${FILE}:2 duration: missing (expected a duration like "120s")`]);
    expect(errorLines('# only a name\nname: x\nduration: 10s\n')).toEqual([`${FILE}:2 network: missing (expected a list)`]);
    expect(errorLines(`${text}events:\n  - {at: 1s, type: outage}\n`)).toEqual([`${FILE}:13 events[0].duration: missing (expected a duration like "120s")`]);
    expect(errorLines('')).toEqual([`${FILE}:1: expected a map with at least duration and network, got null`]);
  });

  it('invalid YAML: its line', () => {
    expect(errorLines(withLine('    delay: 20ms', '   delay: 20ms'))[0]).toBe(`${FILE}:10: invalid YAML: Sequence item without - indicator`);
    expect(errorLines(withLine('mode: sim', 'mode: sim\nduration: 30s'))[0]).toBe(`${FILE}:5: invalid YAML: Map keys must be unique`);
    // A comparison must be quoted: ">" starts a folded block in YAML.
    expect(errorLines(`${text}expect:\n  avgBitrate: > 1Mbps\n`)).toEqual([`${FILE}:13: invalid YAML: Not a YAML token: 1Mbps`]);
  });

  it('several issues at once are all reported, each with its line', () => {
    const t = text.replace('duration: 60s', 'duration: 60 s econds').replace('down: 5Mbps', 'down: 5MBps').replace('    queue: 100', '    queue: 100\n    jiter: 5ms');
    const err = errorOf(t);
    expect(err.issues.map((i) => [i.line, i.path])).toEqual([[12, 'network[0].jiter']]); // shape errors come first and alone
    const u = text.replace('duration: 60s', 'duration: 60 seconds').replace('down: 5Mbps', 'down: 5MBps').replace('delay: 20ms', 'delay: -20ms');
    expect(errorLines(u)).toEqual([
      `${FILE}:3 duration: expected a duration like "40ms", "1.5s" or "2min" (a plain number is seconds), got "60 seconds"`,
      `${FILE}:8 network[0].down: expected a rate like "5Mbps", "800kbps" or a number of bit/s (bits, not bytes: "5MBps" reads as bytes per second), got "5MBps"`,
      `${FILE}:10 network[0].delay: expected a duration like "40ms", "1.5s" or "2min" (a plain number is seconds), got "-20ms"`,
    ]);
  });

  it('ScenarioError: exit code 2, the issues, the message is one line per issue', () => {
    const err = errorOf(withLine('down: 5Mbps', 'down: 5Mbs'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ScenarioError');
    expect(err.exitCode).toBe(2);
    expect(err.issues).toEqual([
      { file: FILE, line: 8, path: 'network[0].down', message: 'expected a rate like "5Mbps", "800kbps" or a number of bit/s, got "5Mbs"' },
    ]);
  });
});

describe('trace and scenario files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netqoe-scenario-'));
    mkdirSync(join(dir, 'traces'));
    writeFileSync(join(dir, 'traces/bad.down'), '1\n2\n2\nabc\n5\n');
    writeFileSync(join(dir, 'traces/backwards.down'), '1\n5\n3\n');
    writeFileSync(join(dir, 'traces/bad.csv'), 'time_s,kbps\n0,1000\n1,fast\n');
    writeFileSync(join(dir, 'traces/bad.json'), '[{"duration_ms": 1000, "bandwidth_kbps": 500}]');
    writeFileSync(join(dir, 'traces/empty.down'), '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scenarioWith = (down: string) => `duration: 60s\nnetwork:\n  - at: 0s\n    down: ${down}\n    up: 1Mbps\n`;
  const lines = (name: string, down: string) => {
    const file = join(dir, name);
    writeFileSync(file, scenarioWith(down));
    try {
      loadScenario(file);
    } catch (err) {
      if (err instanceof ScenarioError) return err.message.split('\n');
      throw err;
    }
    throw new Error('expected a ScenarioError');
  };

  it('a missing trace names the trace file', () => {
    expect(lines('a.yaml', '{trace: traces/nope.down}')).toEqual([
      `${join(dir, 'a.yaml')}:4 network[0].down.trace: trace traces/nope.down: ${join(dir, 'traces/nope.down')}: expected a readable trace file, got ENOENT`,
    ]);
  });

  it('a malformed Mahimahi or CSV trace names the trace file and its line; Sabre JSON names the entry', () => {
    const f = join(dir, 'b.yaml');
    expect(lines('b.yaml', '{trace: traces/bad.down}')).toEqual([
      `${f}:4 network[0].down.trace: trace traces/bad.down: ${join(dir, 'traces/bad.down')}:4: expected a Mahimahi timestamp (an integer of milliseconds), got "abc"`,
    ]);
    expect(lines('b.yaml', '{trace: traces/backwards.down}')).toEqual([
      `${f}:4 network[0].down.trace: trace traces/backwards.down: ${join(dir, 'traces/backwards.down')}:3: expected timestamps in non-decreasing order, got 3 after 5`,
    ]);
    expect(lines('b.yaml', '{trace: traces/bad.csv}')).toEqual([
      `${f}:4 network[0].down.trace: trace traces/bad.csv: ${join(dir, 'traces/bad.csv')}:3: expected "time_s,kbps" with numbers >= 0, got "1,fast"`,
    ]);
    expect(lines('b.yaml', '{trace: traces/bad.json}')).toEqual([
      `${f}:4 network[0].down.trace: trace traces/bad.json: ${join(dir, 'traces/bad.json')}: [0].latency_ms: expected a number >= 0, got undefined`,
    ]);
    expect(lines('b.yaml', '{trace: traces/empty.down}')).toEqual([
      `${f}:4 network[0].down.trace: trace traces/empty.down: ${join(dir, 'traces/empty.down')}: expected at least one Mahimahi timestamp greater than 0, got none`,
    ]);
    // A format given explicitly wins over the inference.
    expect(lines('b.yaml', '{trace: traces/bad.csv, format: mahimahi}')[0]).toContain(`${join(dir, 'traces/bad.csv')}:1: expected a Mahimahi timestamp`);
  });

  it('a missing scenario file', () => {
    expect(() => loadScenario(join(dir, 'none.yaml'))).toThrow(`${join(dir, 'none.yaml')}: expected a readable scenario file, got no such file`);
  });
});
