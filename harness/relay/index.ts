// The userspace relay's public surface (docs/relay.md).
export type * from './types.ts';
export { startRelay, type Relay } from './relay.ts';
export { checkRelayAddress, isLoopbackAddress, parseHostPort, RelayAddressError } from './bind-policy.ts';
export { keepTrickleCandidate, listCandidates, parseCandidate, relayTargetFromSdp, rewriteCandidates, stripCandidates, type RelayAddress, type SdpCandidate } from './sdp.ts';
export { DurationHistogram } from './histogram.ts';
export { relayTimelineEvents, type RelayTimelineEvent } from './timeline-events.ts';
export type { ThreadPriority, ThreadPriorityResult } from './thread-priority.ts';
