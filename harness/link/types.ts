// The one network model every driver uses (simulator on a virtual clock, relay on the wall clock, netem compiler).
// Pure: time is always a parameter, randomness comes from the seed.

export type DropCause = 'queue' | 'loss' | 'outage';

export type SendResult =
  | { deliveredAtMs: number; queueDelayMs: number }
  | { dropped: DropCause };

export interface Packet {
  bytes: number;
  id: number;
}

/** What the link looks like at one instant (for algorithms' "network stats" and for charts). */
export interface LinkState {
  phase: string;
  capacityBps: number;
  delayMs: number;
  jitterMs: number;
  /** Long-run loss rate of the active loss model (Gilbert-Elliott: its stationary rate). */
  lossRate: number;
  inOutage: boolean;
}

export interface LinkDirection {
  readonly direction: 'down' | 'up';
  capacityBpsAt(tMs: number): number;
  stateAt(tMs: number): LinkState;
  /**
   * Packet-level: offer a packet at tMs (non-decreasing across calls). Drop-tail queue, bottleneck
   * service at the capacity, then propagation delay + jitter; loss decided by the active loss model.
   */
  send(pkt: Packet, tMs: number): SendResult;
  /** Fluid view: bytes a saturating sender gets through between t0 and t1 (capacity integral; 0 in outages). */
  deliverableBytes(t0Ms: number, t1Ms: number): number;
  /** Fluid inverse: the earliest t1 with deliverableBytes(t0Ms, t1) >= bytes (Infinity if never). */
  timeToDeliverMs(t0Ms: number, bytes: number): number;
  /** Times where capacity, delay, loss or queue settings change (for netem compilation and charts). */
  changePointsMs(): number[];
}

export interface HandoverPoint {
  atMs: number;
  outageMs: number;
  addressChange: boolean;
  from: string;
  to: string;
}

export interface LinkModel {
  down: LinkDirection;
  up: LinkDirection;
  /** Handovers in time order: drivers that own addresses (relay) remap the client on addressChange. */
  handovers: HandoverPoint[];
  /** Round trip of propagation delays at tMs (no queueing, no jitter). */
  baseRttMsAt(tMs: number): number;
}
