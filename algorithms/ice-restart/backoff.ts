// Source: AWS Architecture Blog, "Exponential Backoff And Jitter" (M. Brooker, 2015), "equal jitter".
//
// On trouble (ICE or connection 'disconnected'/'failed', or a network change) a recovery starts: restart
// attempt n (n = 0, 1, ...) is made d_n/2 + U(0, d_n/2) after the previous one (the first after the
// trouble), with d_n = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS x 2^n). 'connected' ends the recovery and
// resets n. After BACKOFF_MAX_RESTARTS restarts without connecting, a full reconnect, and the
// recovery starts over. Choices:
// - Equal jitter rather than full jitter: a restart is never sooner than half the step, so a burst of
//   state changes cannot make restarts back to back.
// - A network change during a recovery does not reset n (the path is still new to us), but brings the
//   next attempt forward to the first step if it was due later: the old path is gone, waiting is waste.
// - U comes from mulberry32 seeded with the create() seed: same seed, same delays. Self-contained
//   (type imports only): the browser page loads this file as it is.

import type { IceRestartCreateOptions, IceRestartFactory, IceRestartPolicy, RecoveryDecision, RecoveryInput } from './types.ts';

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8000;
export const BACKOFF_MAX_RESTARTS = 5;

/** mulberry32 (T. Ettinger, public domain): a small 32-bit generator, enough for jitter. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The step before attempt n: d_n = min(cap, base x 2^n). */
export function backoffStepMs(n: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** n);
}

export class BackoffRestart implements IceRestartPolicy {
  readonly name = 'backoff';
  readonly tickMs = 50;
  private readonly random: () => number;
  /** Restarts made in this recovery. */
  private attempt = 0;
  /** When the next restart is due, null when not recovering. */
  private nextAtMs: number | null = null;
  private why = '';

  constructor(opts: IceRestartCreateOptions = {}) {
    this.random = mulberry32(opts.seed ?? 1);
  }

  private delayMs(n: number): number {
    const d = backoffStepMs(n);
    return d / 2 + this.random() * (d / 2);
  }

  onInput(input: RecoveryInput): RecoveryDecision {
    switch (input.kind) {
      case 'ice-state':
      case 'connection-state':
        if (input.state === 'connected' || input.state === 'completed') {
          this.attempt = 0;
          this.nextAtMs = null;
        } else if ((input.state === 'disconnected' || input.state === 'failed') && this.nextAtMs === null) {
          this.why = `${input.kind === 'ice-state' ? 'ICE' : 'connection'} ${input.state}`;
          this.nextAtMs = input.tMs + this.delayMs(this.attempt);
        }
        return { action: 'none', reason: '' };
      case 'network-change': {
        const soonest = input.tMs + this.delayMs(0);
        this.why = input.cause === 'online' ? 'window online' : `network changed${input.network ? ` to ${input.network}` : ''}`;
        if (this.nextAtMs === null || this.nextAtMs > soonest) this.nextAtMs = soonest;
        return { action: 'none', reason: '' };
      }
      case 'tick': {
        if (this.nextAtMs === null || input.tMs < this.nextAtMs) return { action: 'none', reason: '' };
        if (this.attempt >= BACKOFF_MAX_RESTARTS) {
          this.attempt = 0;
          this.nextAtMs = input.tMs + this.delayMs(0);
          return { action: 'full-reconnect', reason: `${this.why}; ${BACKOFF_MAX_RESTARTS} restarts did not connect` };
        }
        this.attempt++;
        this.nextAtMs = input.tMs + this.delayMs(this.attempt);
        return { action: 'restart-ice', reason: `${this.why} (restart ${this.attempt}, next in ${Math.round(this.nextAtMs - input.tMs)} ms unless connected)` };
      }
    }
  }
}

export const backoffPolicy: IceRestartFactory = {
  name: 'backoff',
  source: 'AWS Architecture Blog, "Exponential Backoff And Jitter" (2015), equal jitter',
  description: 'restarts 250 ms x 2^n apart (equal jitter, cap 8 s), full reconnect after 5',
  create: (opts) => new BackoffRestart(opts),
};

export default backoffPolicy;
