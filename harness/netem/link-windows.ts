// Per-direction settings windows for the kernel backends (tc/netem, throttle): the link model's timeline cut
// exactly at the scenario's discrete changes (phases, events) and, for traces, on a fixed step grid, because
// tc cannot follow 1 ms trace steps (docs/link-backends.md, "Trace downsampling").
import type { LinkModel } from '../link/types.ts';
import type { Direction, JitterSpec, LossSpec, Phase, QueueSpec, Scenario } from '../scenario/types.ts';

/** Default grid for measured traces: one tc update per 100 ms at most (per direction). */
export const DEFAULT_TRACE_STEP_MS = 100;

export interface LinkWindow {
  /** The window holds in [startMs, endMs). */
  startMs: number;
  endMs: number;
  phase: string;
  outage: boolean;
  /** Mean capacity over the window (bits the model lets through / window length), rounded to 1 bit/s. */
  capacityBps: number;
  /** Mean one-way propagation delay over the window, rounded to 1 us. */
  delayMs: number;
  jitter: JitterSpec;
  /** The loss model in force: a loss burst's Bernoulli model, else the phase's (outage is the flag above). */
  loss: LossSpec;
  queue: QueueSpec;
}

export interface LinkWindowOptions {
  /** Grid step for trace-driven changes (ms); discrete changes are never moved. Default 100. */
  stepMs?: number;
  /** End of the last window; default scenario.durationMs. */
  horizonMs?: number;
}

function appliesTo(sel: Direction | 'both', direction: Direction): boolean {
  return sel === 'both' || sel === direction;
}

/** Times in (0, horizonMs) where a phase starts or an event window opens or closes (sorted, unique). */
export function discreteChangeTimesMs(scenario: Scenario, horizonMs: number = scenario.durationMs): number[] {
  const times = new Set<number>();
  for (const p of scenario.network) if (p.atMs !== null) times.add(p.atMs);
  for (const e of scenario.events) {
    times.add(e.atMs);
    if (e.type === 'handover') times.add(e.atMs + e.outageMs);
    else if (e.type === 'capacityStep') {
      if (e.durationMs !== null) times.add(e.atMs + e.durationMs);
    } else times.add(e.atMs + e.durationMs);
  }
  return [...times].filter((t) => t > 0 && t < horizonMs && Number.isFinite(t)).sort((a, b) => a - b);
}

/** Loss in force at tMs: the latest-started loss burst covering tMs for this direction, else the phase's. */
function lossAt(scenario: Scenario, direction: Direction, tMs: number, phaseLoss: LossSpec): LossSpec {
  let best: { atMs: number; rate: number } | null = null;
  for (const e of scenario.events) {
    if (e.type !== 'lossBurst' || !appliesTo(e.direction, direction)) continue;
    if (tMs >= e.atMs && tMs < e.atMs + e.durationMs && (best === null || e.atMs >= best.atMs)) best = e;
  }
  return best ? { model: 'bernoulli', rate: best.rate } : phaseLoss;
}

/** Index of the first element > t in a sorted array. */
function upperBound(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Time-weighted mean of a piecewise-constant f over [a, b), split at the change points inside. */
function meanOver(a: number, b: number, changePoints: number[], f: (t: number) => number): number {
  let sum = 0;
  let t = a;
  let i = upperBound(changePoints, a);
  while (t < b) {
    const next = i < changePoints.length && changePoints[i] < b ? changePoints[i] : b;
    sum += f(t) * (next - t);
    t = next;
    i++;
  }
  return sum / (b - a);
}

export function sameLoss(a: LossSpec, b: LossSpec): boolean {
  if (a.model === 'bernoulli' && b.model === 'bernoulli') return a.rate === b.rate;
  if (a.model === 'gilbert-elliott' && b.model === 'gilbert-elliott')
    return a.p === b.p && a.r === b.r && a.lossGood === b.lossGood && a.lossBad === b.lossBad;
  return a.model === b.model;
}

function sameSettings(a: LinkWindow, b: LinkWindow): boolean {
  return (
    a.phase === b.phase &&
    a.outage === b.outage &&
    a.capacityBps === b.capacityBps &&
    a.delayMs === b.delayMs &&
    a.jitter.ms === b.jitter.ms &&
    a.jitter.distribution === b.jitter.distribution &&
    a.jitter.reorder === b.jitter.reorder &&
    sameLoss(a.loss, b.loss) &&
    a.queue.limit === b.queue.limit &&
    a.queue.unit === b.queue.unit &&
    a.queue.discipline === b.queue.discipline
  );
}

/**
 * Windows covering [0, horizon) for one direction, each with constant settings for tc: discrete changes at
 * their exact time; trace changes averaged over a grid of stepMs (capacity and delay are time-weighted means,
 * so the bits a window lets through equal the model's). Consecutive equal windows are merged.
 */
export function linkWindows(
  scenario: Scenario,
  model: LinkModel,
  direction: Direction,
  opts: LinkWindowOptions = {},
): LinkWindow[] {
  const horizonMs = opts.horizonMs ?? scenario.durationMs;
  const stepMs = opts.stepMs ?? DEFAULT_TRACE_STEP_MS;
  if (!(horizonMs > 0) || !Number.isFinite(horizonMs)) throw new Error(`link windows: horizon must be > 0 ms, got ${horizonMs}`);
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) throw new Error(`link windows: step must be > 0 ms, got ${stepMs}`);
  const link = model[direction];
  const phases = new Map<string, Phase>(scenario.network.map((p) => [p.name, p]));

  const changePoints = [...new Set(link.changePointsMs())].filter((t) => t > 0 && t < horizonMs).sort((a, b) => a - b);
  const discrete = discreteChangeTimesMs(scenario, horizonMs);
  const discreteSet = new Set(discrete);
  const bounds = new Set<number>([0, ...discrete]);
  // Change points that no phase or event explains come from a trace: those get the grid.
  if (changePoints.some((t) => !discreteSet.has(t))) {
    for (let k = 1; k * stepMs < horizonMs; k++) bounds.add(k * stepMs);
  }
  const starts = [...bounds].sort((a, b) => a - b);

  const windows: LinkWindow[] = [];
  for (let i = 0; i < starts.length; i++) {
    const a = starts[i];
    const b = i + 1 < starts.length ? starts[i + 1] : horizonMs;
    const state = link.stateAt(a);
    const phase = phases.get(state.phase);
    if (!phase) throw new Error(`link windows: the link model names phase "${state.phase}", which the scenario lacks`);
    const spec = phase[direction];
    const w: LinkWindow = {
      startMs: a,
      endMs: b,
      phase: phase.name,
      outage: state.inOutage,
      capacityBps: Math.round(meanOver(a, b, changePoints, (t) => link.capacityBpsAt(t))),
      delayMs: Math.round(meanOver(a, b, changePoints, (t) => link.stateAt(t).delayMs) * 1000) / 1000,
      jitter: spec.jitter,
      loss: lossAt(scenario, direction, a, spec.loss),
      queue: spec.queue,
    };
    const prev = windows[windows.length - 1];
    if (prev && sameSettings(prev, w)) prev.endMs = b;
    else windows.push(w);
  }
  return windows;
}
