// Which link backend runs a scenario: `link: relay | netem | auto` against what the probe found here
// (auto: netem when usable, else the userspace relay). The choice and its reason go into the results.
import { netemBackendProblem, type ProbeResult } from './probe.ts';

export type LinkBackendRequest = 'relay' | 'netem' | 'auto';
export type LinkBackend = 'relay' | 'netem';

export interface LinkBackendChoice {
  backend: LinkBackend;
  why: string;
}

/** netem was asked for by name and cannot run here: bad environment, exit code 2. */
export class LinkBackendUnavailableError extends Error {
  readonly exitCode = 2;
  readonly reason: string;

  constructor(reason: string) {
    super(`link backend netem is not usable here: ${reason} (use --backend relay or link: auto; \`netqoe doctor\` shows what is missing)`);
    this.name = 'LinkBackendUnavailableError';
    this.reason = reason;
  }
}

export function chooseLinkBackend(requested: LinkBackendRequest, probe: readonly ProbeResult[]): LinkBackendChoice {
  if (requested === 'relay') return { backend: 'relay', why: 'relay requested' };
  const problem = netemBackendProblem(probe);
  if (requested === 'netem') {
    if (problem) throw new LinkBackendUnavailableError(problem);
    return { backend: 'netem', why: 'netem requested and usable (namespaces, netem, tbf, ifb)' };
  }
  if (requested !== 'auto') throw Object.assign(new Error(`link backend must be relay, netem or auto, got "${String(requested)}"`), { exitCode: 2 });
  return problem
    ? { backend: 'relay', why: `auto: netem not usable (${problem}); using the userspace relay` }
    : { backend: 'netem', why: 'auto: netem usable (namespaces, netem, tbf, ifb)' };
}
