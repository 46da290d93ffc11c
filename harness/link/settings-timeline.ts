// Which phase and which event overrides are in force when, for one direction (netqoe DESIGN.md, "harness/link").
//
// Rules (the scenario's events override its phases):
// - Phases with atMs are entered at atMs; a phase with atMs null is entered only by a handover, at
//   handover.atMs + outageMs (the new link is up once the outage is over). The latest entry wins; at equal
//   times a handover's entry wins over a timed phase. Before any entry, phase 0 is in force.
// - outage: the direction is dark in [atMs, atMs + durationMs); a handover darkens both directions in
//   [atMs, atMs + outageMs). During a handover's outage the phase being left is still the named phase.
// - lossBurst: Bernoulli loss at `rate` replaces the phase's loss model in its window; overlapping bursts:
//   the latest started wins.
// - capacityStep: in [atMs, atMs + durationMs) (to forever when durationMs is null), `bps` replaces the
//   capacity or `factor` multiplies it; overlapping steps compose in start order.
// - After the last change the settings in force stay forever (the last phase keeps going).

import type { Direction, DirectionSpec, LossSpec, Phase, Scenario, ScenarioEvent } from '../scenario/types.ts';

export interface SettingsSegment {
  /** The segment holds in [startMs, endMs); the last one has endMs = Infinity. */
  startMs: number;
  endMs: number;
  phase: Phase;
  /** When the phase was entered (a trace phase reads its trace from offsetMs at this time). */
  phaseStartMs: number;
  spec: DirectionSpec;
  outage: boolean;
  /** The loss model in force: the phase's, or a loss burst's Bernoulli model (same object across segments). */
  loss: LossSpec;
  /** A stable name for the loss model's source ('phase:NAME' or 'burst@ATMS'), used to name its random stream. */
  lossLabel: string;
  /** Capacity = (replaceBps ?? capacity of the phase) * capacityFactor. */
  capacityReplaceBps: number | null;
  capacityFactor: number;
}

export interface SettingsTimeline {
  direction: Direction;
  segments: SettingsSegment[];
  /** Sorted, merged outage windows [startMs, endMs). */
  outages: { startMs: number; endMs: number }[];
  /** The last time anything changes (phase entries and event window edges), >= 0. */
  lastChangeMs: number;
}

function appliesTo(sel: 'both' | Direction, direction: Direction): boolean {
  return sel === 'both' || sel === direction;
}

function inWindow(t: number, startMs: number, durationMs: number | null): boolean {
  return t >= startMs && (durationMs === null || t < startMs + durationMs);
}

export function buildSettingsTimeline(scenario: Scenario, direction: Direction): SettingsTimeline {
  const phases = scenario.network;
  if (phases.length === 0) throw new Error(`${scenario.file}: scenario has no network phase`);
  const byName = new Map(phases.map((p, i) => [p.name, i]));

  // Phase entries, stable-sorted by time; handover entries after timed ones so they win at equal times.
  const entries: { atMs: number; phase: number }[] = [];
  phases.forEach((p, i) => {
    if (p.atMs !== null) entries.push({ atMs: p.atMs, phase: i });
  });
  entries.sort((a, b) => a.atMs - b.atMs);
  const handoverEntries: { atMs: number; phase: number }[] = [];
  for (const e of scenario.events) {
    if (e.type !== 'handover') continue;
    const target = byName.get(e.to);
    if (target === undefined) throw new Error(`${scenario.file}: handover to unknown phase "${e.to}"`);
    handoverEntries.push({ atMs: e.atMs + e.outageMs, phase: target });
  }
  const allEntries = [...entries, ...handoverEntries].map((e, order) => ({ ...e, order }));
  allEntries.sort((a, b) => a.atMs - b.atMs || a.order - b.order);

  const events = scenario.events;
  const breaks = new Set<number>([0]);
  for (const e of allEntries) breaks.add(e.atMs);
  for (const e of events) {
    breaks.add(e.atMs);
    if (e.type === 'handover') breaks.add(e.atMs + e.outageMs);
    else if (e.type === 'capacityStep') {
      if (e.durationMs !== null) breaks.add(e.atMs + e.durationMs);
    } else breaks.add(e.atMs + e.durationMs);
  }
  const times = [...breaks].filter((t) => t >= 0 && Number.isFinite(t)).sort((a, b) => a - b);

  // One Bernoulli spec object per loss burst, so a loss decider survives segment splits inside the burst.
  // Labels depend only on the burst's own time, so adding another event does not rename (reseed) it.
  const burstLoss = new Map<ScenarioEvent, { spec: LossSpec; label: string }>();
  const labelsUsed = new Set<string>();
  for (const e of events) {
    if (e.type !== 'lossBurst') continue;
    let label = `burst@${e.atMs}`;
    for (let k = 2; labelsUsed.has(label); k++) label = `burst@${e.atMs}#${k}`;
    labelsUsed.add(label);
    burstLoss.set(e, { spec: { model: 'bernoulli', rate: e.rate }, label });
  }

  const segments: SettingsSegment[] = [];
  let entryIdx = -1;
  for (let k = 0; k < times.length; k++) {
    const s = times[k];
    while (entryIdx + 1 < allEntries.length && allEntries[entryIdx + 1].atMs <= s) entryIdx++;
    const phaseIndex = entryIdx >= 0 ? allEntries[entryIdx].phase : 0;
    const phaseStartMs = entryIdx >= 0 ? Math.max(0, allEntries[entryIdx].atMs) : 0;
    const phase = phases[phaseIndex];
    const spec = phase[direction];
    let outage = false;
    let loss: LossSpec = spec.loss;
    let lossLabel = `phase:${phase.name}`;
    let replace: number | null = null;
    let factor = 1;
    for (const e of events) {
      switch (e.type) {
        case 'handover':
          if (inWindow(s, e.atMs, e.outageMs)) outage = true;
          break;
        case 'outage':
          if (appliesTo(e.direction, direction) && inWindow(s, e.atMs, e.durationMs)) outage = true;
          break;
        case 'lossBurst':
          if (appliesTo(e.direction, direction) && inWindow(s, e.atMs, e.durationMs)) {
            ({ spec: loss, label: lossLabel } = burstLoss.get(e)!);
          }
          break;
        case 'capacityStep':
          if (appliesTo(e.direction, direction) && inWindow(s, e.atMs, e.durationMs)) {
            if (e.bps !== null) {
              replace = e.bps;
              factor = 1;
            } else if (e.factor !== null) factor *= e.factor;
          }
          break;
      }
    }
    segments.push({
      startMs: s,
      endMs: k + 1 < times.length ? times[k + 1] : Infinity,
      phase,
      phaseStartMs,
      spec,
      outage,
      loss,
      lossLabel,
      capacityReplaceBps: replace,
      capacityFactor: factor,
    });
  }

  const outages: { startMs: number; endMs: number }[] = [];
  for (const seg of segments) {
    if (!seg.outage) continue;
    const last = outages[outages.length - 1];
    if (last && last.endMs === seg.startMs) last.endMs = seg.endMs;
    else outages.push({ startMs: seg.startMs, endMs: seg.endMs });
  }
  return { direction, segments, outages, lastChangeMs: times[times.length - 1] };
}

/** Index of the segment in force at tMs (times before 0 read segment 0). */
export function segmentIndexAt(timeline: SettingsTimeline, tMs: number): number {
  const segs = timeline.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid].startMs <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Long-run loss rate of a loss model (Gilbert-Elliott: weighted by the chain's stationary distribution). */
export function longRunLossRate(loss: LossSpec): number {
  switch (loss.model) {
    case 'none':
      return 0;
    case 'bernoulli':
      return loss.rate;
    case 'gilbert-elliott': {
      const { p, r, lossGood, lossBad } = loss;
      // A chain that never moves stays in its initial (good) state.
      if (p + r === 0) return lossGood;
      const piBad = p / (p + r);
      return (1 - piBad) * lossGood + piBad * lossBad;
    }
  }
}

/** True when two segments differ in anything but capacity (capacity changes come from the schedule). */
export function settingsDiffer(a: SettingsSegment, b: SettingsSegment): boolean {
  const sa = a.spec;
  const sb = b.spec;
  return (
    a.phase.name !== b.phase.name ||
    a.outage !== b.outage ||
    sa.delayMs !== sb.delayMs ||
    sa.jitter.ms !== sb.jitter.ms ||
    sa.jitter.distribution !== sb.jitter.distribution ||
    sa.jitter.reorder !== sb.jitter.reorder ||
    sa.queue.limit !== sb.queue.limit ||
    sa.queue.unit !== sb.queue.unit ||
    !sameLoss(a.loss, b.loss)
  );
}

function sameLoss(a: LossSpec, b: LossSpec): boolean {
  if (a.model !== b.model) return false;
  if (a.model === 'bernoulli' && b.model === 'bernoulli') return a.rate === b.rate;
  if (a.model === 'gilbert-elliott' && b.model === 'gilbert-elliott')
    return a.p === b.p && a.r === b.r && a.lossGood === b.lossGood && a.lossBad === b.lossBad;
  return true;
}
