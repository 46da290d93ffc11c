// The ICE-restart policy interface: the client side of connection recovery. One policy object runs in
// the browser page (harness/browser/pages/recovery.ts) and in Node tests; it never knows which.
//
// Pure and deterministic: the caller passes every input with its time (ms on any monotonic clock) and
// executes the decision it gets back. Timers are the caller's `tick` inputs (every tickMs), so a policy
// holds no setTimeout and replays identically. Randomness (jitter) comes from the seed given to create().

/** RTCPeerConnection.iceConnectionState. */
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
/** RTCPeerConnection.connectionState. */
export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export type RecoveryInput =
  /** iceconnectionstatechange */
  | { kind: 'ice-state'; tMs: number; state: IceConnectionState }
  /** connectionstatechange */
  | { kind: 'connection-state'; tMs: number; state: PeerConnectionState }
  /**
   * The OS says the network changed: the window 'online' event, or navigator.connection 'change'
   * (e.g. WiFi to 4G). `network` names the new one when known ('wifi', 'cellular', ...).
   */
  | { kind: 'network-change'; tMs: number; cause: 'online' | 'connection-change'; network?: string }
  /** Time passes (every tickMs while the page runs). */
  | { kind: 'tick'; tMs: number };

export type RecoveryActionKind = 'none' | 'restart-ice' | 'full-reconnect';

export interface RecoveryDecision {
  /**
   * 'restart-ice': pc.restartIce() and renegotiate (an offer with new ufrag/pwd through signaling).
   * 'full-reconnect': a new peer connection and new signaling, rejoining the same room as the same peer.
   */
  action: RecoveryActionKind;
  /** Why, in words (shown on the run's timeline). Empty for 'none' is fine. */
  reason: string;
}

export interface IceRestartPolicy {
  readonly name: string;
  /** How often the caller should send 'tick' inputs. */
  readonly tickMs: number;
  /** One input in, what to do now out. Inputs come in time order. */
  onInput(input: RecoveryInput): RecoveryDecision;
}

export interface IceRestartCreateOptions {
  /** Seeds any randomness (jitter). Same seed, same inputs: same decisions. */
  seed?: number;
}

/** Policies keep per-connection state: a factory makes a fresh one per peer. */
export interface IceRestartFactory {
  readonly name: string;
  /** Where the rules come from (a reference-note section, a paper, a file). */
  readonly source: string;
  readonly description: string;
  create(opts?: IceRestartCreateOptions): IceRestartPolicy;
}

export const NOTHING: RecoveryDecision = { action: 'none', reason: '' };
