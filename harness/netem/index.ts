// The kernel link backend's public surface (docs/link-backends.md), plus one call that runs a scenario on it.
import { buildLinkModel } from '../link/link-model.ts';
import type { Scenario } from '../scenario/types.ts';
import { startTcPlan, type ApplyOptions, type TcPlanHandle } from './apply.ts';
import { compileTcPlan, type TcCompileOptions, type TcPlan } from './tc-compiler.ts';

export * from './apply.ts';
export * from './choose-backend.ts';
export * from './link-windows.ts';
export * from './probe.ts';
export * from './run-command.ts';
export * from './tc-compiler.ts';
export * from './throttle-backend.ts';

export interface NetemLink {
  plan: TcPlan;
  handle: TcPlanHandle;
}

/**
 * Compiles the scenario (its own seed's link model) and brings the shaped namespaces up; resolves when
 * programs can be started in them (inNamespace(plan.topology, 'client' | 'server', argv)). The run id
 * defaults to the process id so that two runs on one machine do not share namespaces.
 */
export async function startNetemLink(
  scenario: Scenario,
  opts: TcCompileOptions & ApplyOptions & { seed?: number } = {},
): Promise<NetemLink> {
  const plan = compileTcPlan(scenario, buildLinkModel(scenario, { seed: opts.seed }), { runId: `p${process.pid}`, ...opts });
  return { plan, handle: await startTcPlan(plan, opts) };
}
