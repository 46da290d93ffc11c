// Hand-built scenarios and fast-check arbitraries for the link model's tests.
import fc from 'fast-check';
import type {
  CapacitySpec,
  CapacityTrace,
  DirectionSpec,
  Phase,
  Scenario,
  ScenarioEvent,
} from '../../harness/scenario/types.ts';

export function directionSpec(over: Partial<DirectionSpec> = {}): DirectionSpec {
  return {
    capacity: { kind: 'constant', bps: 8_000_000 },
    delayMs: 20,
    jitter: { ms: 0, distribution: 'uniform', reorder: false },
    loss: { model: 'none' },
    queue: { limit: 1000, unit: 'packets', discipline: 'droptail' },
    ...over,
  };
}

export function phase(name: string, atMs: number | null, down: Partial<DirectionSpec> = {}, up: Partial<DirectionSpec> = down): Phase {
  return { name, atMs, preset: null, down: directionSpec(down), up: directionSpec(up) };
}

export function scenario(network: Phase[], events: ScenarioEvent[] = [], durationMs = 60_000, seed = 1): Scenario {
  return {
    file: 'test.yaml',
    name: 'test',
    description: '',
    durationMs,
    seed,
    mode: 'sim',
    link: 'auto',
    network,
    events: [...events].sort((a, b) => a.atMs - b.atMs),
    media: {
      source: 'ladder',
      manifestFile: null,
      segmentDurationMs: 4000,
      segmentCount: 1,
      rungs: [{ bitrateBps: 1e6, width: 640, height: 360, fps: 30 }],
      segmentSizesBits: [[4e6]],
      bufferMaxMs: 30_000,
      startupBufferMs: 4000,
    },
    algorithms: { abr: ['throughput'], bwe: [], iceRestart: [] },
    expect: [],
  };
}

/** One-phase scenario with the same settings both ways. */
export function simpleScenario(spec: Partial<DirectionSpec>, events: ScenarioEvent[] = [], durationMs = 60_000, seed = 1): Scenario {
  return scenario([phase('main', 0, spec)], events, durationMs, seed);
}

export function trace(steps: { ms: number; bps: number }[]): CapacityTrace {
  const startMs: number[] = [];
  const bps: number[] = [];
  let t = 0;
  for (const s of steps) {
    startMs.push(t);
    bps.push(s.bps);
    t += s.ms;
  }
  return { file: 'test.trace', format: 'csv', startMs, bps, periodMs: t };
}

export const traceArb: fc.Arbitrary<CapacityTrace> = fc
  .array(
    fc.record({
      ms: fc.integer({ min: 1, max: 400 }),
      bps: fc.oneof(fc.constant(0), fc.integer({ min: 100_000, max: 20_000_000 })),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .filter((steps) => steps.some((s) => s.bps > 0))
  .map(trace);

export const capacityArb: fc.Arbitrary<CapacitySpec> = fc.oneof(
  fc.integer({ min: 200_000, max: 50_000_000 }).map((bps): CapacitySpec => ({ kind: 'constant', bps })),
  fc
    .record({
      trace: traceArb,
      scale: fc.double({ min: 0.1, max: 3, noNaN: true }),
      offsetFrac: fc.double({ min: 0, max: 1.5, noNaN: true }),
      loop: fc.boolean(),
    })
    .map(
      ({ trace: tr, scale, offsetFrac, loop }): CapacitySpec => ({
        kind: 'trace',
        trace: tr,
        scale,
        offsetMs: Math.floor(offsetFrac * tr.periodMs),
        loop,
      }),
    ),
);

const selectorArb = fc.constantFrom('both' as const, 'down' as const, 'up' as const);

/** Events inside [0, durationMs]; handovers target one of the named phases. */
export function eventsArb(durationMs: number, phaseNames: string[]): fc.Arbitrary<ScenarioEvent[]> {
  const at = fc.integer({ min: 0, max: durationMs });
  const dur = fc.integer({ min: 0, max: Math.max(1, Math.floor(durationMs / 4)) });
  const ev: fc.Arbitrary<ScenarioEvent> = fc.oneof(
    fc.record({ type: fc.constant('outage' as const), atMs: at, durationMs: dur, direction: selectorArb }),
    fc.record({
      type: fc.constant('lossBurst' as const),
      atMs: at,
      durationMs: dur,
      rate: fc.double({ min: 0, max: 0.5, noNaN: true }),
      direction: selectorArb,
    }),
    fc
      .record({
        atMs: at,
        durationMs: fc.option(dur, { nil: null }),
        factor: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 3, noNaN: true })),
        bps: fc.integer({ min: 0, max: 20_000_000 }),
        useFactor: fc.boolean(),
        direction: selectorArb,
      })
      .map(
        ({ atMs, durationMs: d, factor, bps, useFactor, direction }): ScenarioEvent => ({
          type: 'capacityStep',
          atMs,
          durationMs: d,
          factor: useFactor ? factor : null,
          bps: useFactor ? null : bps,
          direction,
        }),
      ),
    fc.record({
      type: fc.constant('handover' as const),
      atMs: at,
      to: fc.constantFrom(...phaseNames),
      outageMs: fc.integer({ min: 0, max: 2000 }),
      addressChange: fc.boolean(),
    }),
  );
  return fc.array(ev, { maxLength: 5 });
}

/** A scenario with 1-3 timed phases, maybe a handover-only phase, random capacities and events. */
export function scenarioArb(opts: { durationMs?: number; loss?: boolean; jitter?: boolean } = {}): fc.Arbitrary<Scenario> {
  const durationMs = opts.durationMs ?? 10_000;
  const dirArb = fc.record({
    capacity: capacityArb,
    delayMs: fc.integer({ min: 0, max: 200 }),
    jitterMs: opts.jitter ? fc.integer({ min: 0, max: 30 }) : fc.constant(0),
    dist: fc.constantFrom('uniform' as const, 'normal' as const, 'pareto' as const),
    reorder: fc.boolean(),
    lossRate: opts.loss ? fc.double({ min: 0, max: 0.3, noNaN: true }) : fc.constant(0),
    queueUnit: fc.constantFrom('packets' as const, 'bytes' as const, 'ms' as const),
  });
  type DirDraw = typeof dirArb extends fc.Arbitrary<infer T> ? T : never;
  const toSpec = (d: DirDraw): DirectionSpec =>
    directionSpec({
      capacity: d.capacity,
      delayMs: d.delayMs,
      jitter: { ms: d.jitterMs, distribution: d.dist, reorder: d.reorder },
      loss: d.lossRate > 0 ? { model: 'bernoulli', rate: d.lossRate } : { model: 'none' },
      queue: {
        limit: d.queueUnit === 'packets' ? 50 : d.queueUnit === 'bytes' ? 60_000 : 200,
        unit: d.queueUnit,
        discipline: 'droptail',
      },
    });
  return fc
    .record({
      starts: fc.uniqueArray(fc.integer({ min: 1, max: durationMs - 1 }), { maxLength: 2 }),
      handoverOnly: fc.boolean(),
      dirs: fc.array(fc.record({ down: dirArb, up: dirArb }), { minLength: 4, maxLength: 4 }),
    })
    .chain(({ starts, handoverOnly, dirs }) => {
      const times = [0, ...starts.sort((a, b) => a - b)];
      const phases: Phase[] = times.map((t, i) => ({
        name: `p${i}`,
        atMs: t,
        preset: null,
        down: toSpec(dirs[i].down),
        up: toSpec(dirs[i].up),
      }));
      if (handoverOnly) phases.push({ name: 'h', atMs: null, preset: null, down: toSpec(dirs[3].down), up: toSpec(dirs[3].up) });
      return eventsArb(durationMs, phases.map((p) => p.name)).map((events) => scenario(phases, events, durationMs));
    });
}
