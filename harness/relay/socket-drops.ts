// The kernel's drops on the relay's own UDP sockets (/proc/net/udp, harness/net/udp-drops.ts), turned into
// per-direction counts: a client-facing socket receives `up`, a flow's upstream socket `down`. A socket's
// kernel counter is cumulative from its creation, so each poll counts its rise since the last one.
import type { DirectionStats } from './direction-stats.ts';
import type { RelayDirection } from './types.ts';

export interface SocketPort {
  port: number;
  direction: RelayDirection;
}

/** Kernel drops by local port, or null where they cannot be read. */
export type ReadDrops = () => Map<number, number> | null;

export class SocketDropMeter {
  private readonly read: ReadDrops;
  private readonly stats: Record<RelayDirection, DirectionStats>;
  private last = new Map<number, number>();

  constructor(read: ReadDrops, stats: Record<RelayDirection, DirectionStats>) {
    this.read = read;
    this.stats = stats;
  }

  /** Counts the rises on `ports` (the sockets open now); ports no longer open are forgotten. */
  poll(ports: readonly SocketPort[]): void {
    if (ports.length === 0) {
      this.last.clear();
      return;
    }
    const table = this.read();
    if (table === null) return;
    const next = new Map<number, number>();
    for (const { port, direction } of ports) {
      const n = table.get(port) ?? 0;
      const before = this.last.get(port) ?? 0;
      // Lower than before: the port now belongs to a new socket (counting from 0).
      const rise = n >= before ? n - before : n;
      if (rise > 0) this.stats[direction].socketDropped(rise);
      next.set(port, n);
    }
    this.last = next;
  }
}
