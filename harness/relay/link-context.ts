// What the UDP and TCP parts of the relay share: one link model (both directions), one release scheduler,
// the per-direction counters and the relay's clock. Every packet of every flow goes through offer().
import type { LinkModel, SendResult } from '../link/types.ts';
import type { DirectionStats } from './direction-stats.ts';
import type { ReleaseScheduler } from './release-scheduler.ts';
import type { RelayDirection } from './types.ts';

export interface RelayLinkContext {
  nowMs(): number;
  model: LinkModel;
  scheduler: ReleaseScheduler;
  stats: Record<RelayDirection, DirectionStats>;
  bindAddress: string;
  /** Offer a packet of `bytes` (IP level) to one direction now; counts it in and, if dropped, dropped. */
  offer(direction: RelayDirection, bytes: number, nowMs: number): SendResult;
}

export function createOffer(model: LinkModel, stats: Record<RelayDirection, DirectionStats>): RelayLinkContext['offer'] {
  let nextId = 0;
  const lastMs: Record<RelayDirection, number> = { down: 0, up: 0 };
  return (direction, bytes, nowMs) => {
    // The model needs non-decreasing times per direction; the clock is monotonic, but callers may hold a
    // `now` read a moment earlier than another caller's.
    const t = nowMs > lastMs[direction] ? nowMs : lastMs[direction];
    lastMs[direction] = t;
    const s = stats[direction];
    s.offered(bytes);
    const res = model[direction].send({ bytes, id: nextId++ }, t);
    if ('dropped' in res) s.dropped(res.dropped, bytes);
    else s.accepted(res.queueDelayMs);
    return res;
  };
}

/** IP + transport header bytes per packet, as a link counts them. */
export function headerBytes(protocol: 'udp' | 'tcp', family: 4 | 6): number {
  return (family === 6 ? 40 : 20) + (protocol === 'udp' ? 8 : 20);
}
