// Which link backend a live WebRTC run uses: the scenario's `link: relay | netem | auto` against the
// capability probe (chooseLinkBackend, docs/link-backends.md). Decided before anything starts; the choice
// and its reason go into each RunResult (`link`).
import { chooseLinkBackend, LinkBackendUnavailableError, type LinkBackendChoice } from '../netem/choose-backend.ts';
import { probeCapabilities, type ProbeResult } from '../netem/probe.ts';
import { UserInputError } from '../cli/exit-codes.ts';
import type { Scenario } from '../scenario/types.ts';

/** The probe a live run asks (the kernel and relay checks only: ~0.2 s here). Tests inject their own. */
export type LinkProbe = () => Promise<readonly ProbeResult[]>;

export const probeLinkCapabilities: LinkProbe = () => probeCapabilities({ skip: ['chromium', 'ffmpeg', 'iperf3'] });

/**
 * relay: no probe. netem: an error (exit 2, naming the file and the `link` field) whether or not netem is
 * usable here, since the live WebRTC path only runs over the relay so far. auto: the relay, and why.
 */
export async function chooseLiveLinkBackend(scenario: Pick<Scenario, 'file' | 'link'>, probe: LinkProbe = probeLinkCapabilities): Promise<LinkBackendChoice> {
  if (scenario.link === 'relay') return { backend: 'relay', why: 'link: relay' };
  let choice: LinkBackendChoice;
  try {
    choice = chooseLinkBackend(scenario.link, await probe());
  } catch (err) {
    if (err instanceof LinkBackendUnavailableError)
      throw new UserInputError(`${scenario.file}: link: netem: netem is not usable here (${err.reason}); use link: relay or auto (\`netqoe doctor\` shows what is missing)`);
    throw err;
  }
  if (choice.backend === 'relay') return choice;
  if (scenario.link === 'netem') throw new UserInputError(netemLiveUnsupported(scenario.file));
  // auto with a usable netem: the live WebRTC path has no netem backend yet, so say so and use the relay.
  return { backend: 'relay', why: 'auto: netem is usable here, but live WebRTC runs do not support netem yet; using the userspace relay' };
}

export function netemLiveUnsupported(file: string): string {
  return `${file}: link: netem is not supported for live WebRTC runs yet; use relay or auto`;
}

/** What `netqoe validate` can say without probing: a live scenario asking for netem cannot run anywhere yet. */
export function liveLinkProblem(scenario: Pick<Scenario, 'file' | 'link' | 'mode'>): string | null {
  return scenario.mode === 'live' && scenario.link === 'netem' ? netemLiveUnsupported(scenario.file) : null;
}
