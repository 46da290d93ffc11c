// Builds the link model of a scenario: compile the seed-independent schedules once, then any number of
// seeded, stateful link models on top (netqoe DESIGN.md, "harness/link").

import type { Direction, Scenario } from '../scenario/types.ts';
import type { HandoverPoint, LinkModel } from './types.ts';
import { compileScheduleFromTimeline } from './capacity-schedule.ts';
import { type CompiledDirection, SimulatedLinkDirection } from './link-direction.ts';
import { buildSettingsTimeline, segmentIndexAt } from './settings-timeline.ts';

export interface CompiledLink {
  /** The scenario these schedules were compiled from (a model must be built from the same one). */
  scenario: Scenario;
  down: CompiledDirection;
  up: CompiledDirection;
  handovers: HandoverPoint[];
}

export interface BuildLinkOptions {
  /** Defaults to scenario.seed. */
  seed?: number;
  /** From compileLink(scenario); when absent, a per-scenario-object cache is used. */
  compiled?: CompiledLink;
}

export interface SimulatedLinkModel extends LinkModel {
  down: SimulatedLinkDirection;
  up: SimulatedLinkDirection;
}

function compileDirection(scenario: Scenario, direction: Direction): CompiledDirection {
  const timeline = buildSettingsTimeline(scenario, direction);
  return { direction, timeline, capacity: compileScheduleFromTimeline(scenario, timeline) };
}

function handoversOf(scenario: Scenario, down: CompiledDirection): HandoverPoint[] {
  const out: HandoverPoint[] = [];
  for (const e of scenario.events) {
    if (e.type !== 'handover') continue;
    // The phase in force when the handover starts (the handover's own entry comes after its outage).
    const from = down.timeline.segments[segmentIndexAt(down.timeline, e.atMs)].phase.name;
    out.push({ atMs: e.atMs, outageMs: e.outageMs, addressChange: e.addressChange, from, to: e.to });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Scenarios are immutable values: compile each scenario object once however many sessions run on it. */
const cache = new WeakMap<Scenario, CompiledLink>();

/** Compile both directions (settings timelines and capacity schedules with prefix sums); memoised per scenario object. */
export function compileLink(scenario: Scenario): CompiledLink {
  let compiled = cache.get(scenario);
  if (!compiled) {
    const down = compileDirection(scenario, 'down');
    const up = compileDirection(scenario, 'up');
    compiled = { scenario, down, up, handovers: handoversOf(scenario, down) };
    cache.set(scenario, compiled);
  }
  return compiled;
}

/**
 * A fresh, seeded link model. Random streams are named per direction and purpose (e.g. 'down/jitter',
 * 'up/phase:lte/loss'), so the two directions and each consumer draw independent numbers.
 */
export function buildLinkModel(scenario: Scenario, opts: BuildLinkOptions = {}): SimulatedLinkModel {
  const compiled = opts.compiled ?? compileLink(scenario);
  if (compiled.scenario !== scenario) {
    throw new Error(`buildLinkModel: compiled schedules belong to scenario "${compiled.scenario.name}", not this object`);
  }
  const seed = opts.seed ?? scenario.seed;
  const down = new SimulatedLinkDirection(compiled.down, seed);
  const up = new SimulatedLinkDirection(compiled.up, seed);
  return {
    down,
    up,
    handovers: compiled.handovers.map((h) => ({ ...h })),
    baseRttMsAt: (tMs: number) => down.delayMsAt(tMs) + up.delayMsAt(tMs),
  };
}
