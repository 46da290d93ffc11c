// Wall-clock release of timed items with sub-millisecond precision. Node timers fire on a millisecond clock
// and up to ~1 ms late, so the scheduler sleeps with setTimeout until `spinMs` before the earliest due time
// and then approaches it in steps, giving the event loop a turn (setImmediate: sockets are read) after each:
//   - naps until `busyWaitMs` before the due time: Atomics.wait for at most NAP_SLICE_MS (a futex sleep, no
//     CPU, no allocation);
//   - the last `busyWaitMs` (a nap can overshoot by ~0.1 ms): busy-waits on the clock, BUSY_SLICE_MS at a
//     time;
//   - release of every item that is due, each with the time it really leaves.
// The CPU it costs is bounded by busyWaitMs per release (default 0.15 ms). busyWaitMs = spinMs busy-waits the
// whole approach: it avoids the rare long futex wake-up (a few per 10^3 naps on a loaded VM) at the price of a
// core whenever packets flow. A plain setImmediate spin would be simpler, but it allocates an Immediate per
// turn (~750k/s): hundreds of young GCs a second, promoting in-flight packets and ending in multi-ms full GCs.
import { DueHeap, type Due } from './due-heap.ts';

export interface Timed extends Due {
  fire(nowMs: number): void;
}

export interface ReleaseSchedulerOptions {
  /** Monotonic high-resolution clock, in ms since the relay's start. */
  nowMs: () => number;
  /** How long before a due time to stop sleeping on timers (default 1.5 ms: a timer can be ~1 ms late). */
  spinMs?: number;
  /** How long before a due time to stop napping and busy-wait (default 0.15 ms). */
  busyWaitMs?: number;
}

export const DEFAULT_SPIN_MS = 1.5;
export const DEFAULT_BUSY_WAIT_MS = 0.15;
/** Longest time the event loop is kept from reading sockets by one nap. */
export const NAP_SLICE_MS = 0.1;
/** Longest time the event loop is kept from reading sockets by one busy-wait. */
export const BUSY_SLICE_MS = 0.05;

const napCell = new Int32Array(new SharedArrayBuffer(4));

export class ReleaseScheduler {
  private readonly heap = new DueHeap<Timed>();
  private readonly now: () => number;
  private readonly spinMs: number;
  private readonly busyWaitMs: number;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Due time the sleeping timer was armed for (Infinity: nothing armed; -Infinity: turning the loop). */
  private armedForMs = Infinity;
  private inTick = false;
  private stopped = false;

  constructor(opts: ReleaseSchedulerOptions) {
    this.now = opts.nowMs;
    this.busyWaitMs = Math.max(0, opts.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS);
    this.spinMs = Math.max(opts.spinMs ?? DEFAULT_SPIN_MS, this.busyWaitMs);
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Schedule an item; it fires once, at or after item.dueMs. */
  at(item: Timed): void {
    if (this.stopped) return;
    this.heap.push(item);
    if (!this.inTick && item.dueMs < this.armedForMs) this.arm();
  }

  /** Cancel everything; returns the items that had not fired. */
  stop(): Timed[] {
    this.stopped = true;
    this.disarm();
    return this.heap.drain();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedForMs = Infinity;
    this.inTick = true;
    try {
      this.releaseDue();
    } finally {
      this.inTick = false;
    }
    if (!this.stopped) this.arm();
  };

  private releaseDue(): void {
    const heap = this.heap;
    for (;;) {
      let now = this.now();
      let top = heap.peek();
      while (top !== undefined && top.dueMs <= now) {
        heap.pop();
        top.fire(now);
        if (this.stopped) return;
        top = heap.peek();
        now = this.now(); // each item gets the time it really fires at
      }
      if (top === undefined) return;
      const waitMs = top.dueMs - now;
      if (waitMs > this.busyWaitMs) {
        if (waitMs <= this.spinMs) Atomics.wait(napCell, 0, 0, Math.min(NAP_SLICE_MS, waitMs - this.busyWaitMs));
        return; // arm() decides: a timer, or another turn of the loop
      }
      const untilMs = Math.min(top.dueMs, now + BUSY_SLICE_MS);
      while (this.now() < untilMs) {
        // busy-wait, at most BUSY_SLICE_MS
      }
      if (this.now() < top.dueMs) return; // a turn of the loop, then more
    }
  }

  private arm(): void {
    this.disarm();
    const top = this.heap.peek();
    if (top === undefined) return;
    const waitMs = top.dueMs - this.now();
    if (waitMs <= this.spinMs) {
      this.immediate = setImmediate(this.tick);
      this.armedForMs = -Infinity;
    } else {
      this.timer = setTimeout(this.tick, Math.floor(waitMs - this.spinMs));
      this.armedForMs = top.dueMs;
    }
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedForMs = Infinity;
  }
}
