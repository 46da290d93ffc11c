// Per-direction counters of the relay: totals since start plus the current 1 s window, turned into a
// RelayTimelineSample when the window closes. Pure bookkeeping: the caller says what happened and when.
import type { DropCause } from '../link/types.ts';
import { DurationHistogram } from './histogram.ts';
import type { LatencySummary, PacketsBytes, RelayDirection, RelayDirectionCounters, RelayTimelineSample } from './types.ts';

function summary(h: DurationHistogram): LatencySummary {
  const p = h.percentiles();
  return { count: p.count, p50Ms: p.p50, p95Ms: p.p95, p99Ms: p.p99, maxMs: p.max };
}

const pb = (): PacketsBytes => ({ packets: 0, bytes: 0 });

class Tally {
  inP = 0;
  inB = 0;
  delP = 0;
  delB = 0;
  dropP: Record<DropCause, number> = { queue: 0, loss: 0, outage: 0 };
  dropB: Record<DropCause, number> = { queue: 0, loss: 0, outage: 0 };
  /** Datagrams the kernel dropped on the relay's own receiving sockets (never offered to the model). */
  sockP = 0;
  readonly queueDelay = new DurationHistogram();
  readonly schedError = new DurationHistogram();

  reset(): void {
    this.inP = this.inB = this.delP = this.delB = this.sockP = 0;
    this.dropP = { queue: 0, loss: 0, outage: 0 };
    this.dropB = { queue: 0, loss: 0, outage: 0 };
    this.queueDelay.reset();
    this.schedError.reset();
  }
}

export interface WindowContext {
  phase: string;
  inOutage: boolean;
  /** Bytes the model could deliver over the window (capacity integral). */
  deliverableBytes: number;
}

export class DirectionStats {
  readonly direction: RelayDirection;
  private readonly total = new Tally();
  private readonly window = new Tally();
  sendErrors = 0;
  tcpStreamBytesIn = 0;
  tcpStreamBytesOut = 0;
  readonly tcpRetransmits: Record<DropCause, number> = { queue: 0, loss: 0, outage: 0 };

  constructor(direction: RelayDirection) {
    this.direction = direction;
  }

  /** A packet was offered to the link model. */
  offered(bytes: number): void {
    this.total.inP++;
    this.total.inB += bytes;
    this.window.inP++;
    this.window.inB += bytes;
  }

  /** The model accepted it; it waits queueDelayMs for the bottleneck. */
  accepted(queueDelayMs: number): void {
    this.total.queueDelay.recordMs(queueDelayMs);
    this.window.queueDelay.recordMs(queueDelayMs);
  }

  /** The model (or the relay, for a port that went away in a handover) dropped it. */
  dropped(cause: DropCause, bytes: number): void {
    this.total.dropP[cause]++;
    this.total.dropB[cause] += bytes;
    this.window.dropP[cause]++;
    this.window.dropB[cause] += bytes;
  }

  /** The kernel dropped n datagrams of this direction on a relay socket before the relay could read them. */
  socketDropped(n: number): void {
    this.total.sockP += n;
    this.window.sockP += n;
  }

  /** Released to its socket lateMs after the model's delivery time. */
  delivered(bytes: number, lateMs: number): void {
    const t = this.total;
    const w = this.window;
    t.delP++;
    t.delB += bytes;
    w.delP++;
    w.delB += bytes;
    t.schedError.recordMs(lateMs);
    w.schedError.recordMs(lateMs);
  }

  counters(): RelayDirectionCounters {
    const t = this.total;
    const dropped = { queue: pb(), loss: pb(), outage: pb() };
    let dp = 0;
    let db = 0;
    for (const c of ['queue', 'loss', 'outage'] as const) {
      dropped[c] = { packets: t.dropP[c], bytes: t.dropB[c] };
      dp += t.dropP[c];
      db += t.dropB[c];
    }
    return {
      in: { packets: t.inP, bytes: t.inB },
      delivered: { packets: t.delP, bytes: t.delB },
      dropped,
      inFlight: { packets: t.inP - t.delP - dp, bytes: t.inB - t.delB - db },
      queueDelay: summary(t.queueDelay),
      schedulingError: summary(t.schedError),
      sendErrors: this.sendErrors,
      socketDrops: t.sockP,
      tcpStreamBytesIn: this.tcpStreamBytesIn,
      tcpStreamBytesOut: this.tcpStreamBytesOut,
      tcpRetransmits: { ...this.tcpRetransmits },
    };
  }

  /** Close the window [tMs - windowMs, tMs) into a sample and start the next one. */
  closeWindow(tMs: number, windowMs: number, ctx: WindowContext): RelayTimelineSample {
    const w = this.window;
    const toBps = (bytes: number) => (windowMs > 0 ? (bytes * 8000) / windowMs : 0);
    const sample: RelayTimelineSample = {
      kind: 'relay',
      tMs,
      windowMs,
      direction: this.direction,
      phase: ctx.phase,
      inOutage: ctx.inOutage,
      capacityBps: toBps(ctx.deliverableBytes),
      inBps: toBps(w.inB),
      deliveredBps: toBps(w.delB),
      packetsIn: w.inP,
      packetsDelivered: w.delP,
      droppedQueue: w.dropP.queue,
      droppedLoss: w.dropP.loss,
      droppedOutage: w.dropP.outage,
      droppedSocket: w.sockP,
      queueDelayP50Ms: w.queueDelay.quantileMs(0.5),
      queueDelayP95Ms: w.queueDelay.quantileMs(0.95),
      queueDelayP99Ms: w.queueDelay.quantileMs(0.99),
      schedErrorP50Ms: w.schedError.quantileMs(0.5),
      schedErrorP99Ms: w.schedError.quantileMs(0.99),
    };
    w.reset();
    return sample;
  }
}
