// Random loss deciders: Bernoulli and Gilbert-Elliott (Gilbert 1960, Elliott 1963; parameters p, r,
// 1-k, 1-h as in Linux netem's "loss gemodel"). Loss is decided when a packet is offered (enqueue time),
// as netem does, so a lost packet never occupies the queue.

import type { LossSpec } from '../scenario/types.ts';
import type { Rng } from './prng.ts';

export interface LossDecider {
  /** Decide one packet: true = lost. Called exactly once per offered packet. */
  lose(): boolean;
}

const NEVER: LossDecider = { lose: () => false };

export class BernoulliLoss implements LossDecider {
  private readonly rate: number;
  private readonly rng: Rng;

  constructor(rate: number, rng: Rng) {
    this.rate = rate;
    this.rng = rng;
  }

  lose(): boolean {
    return this.rate > 0 && this.rng.next() < this.rate;
  }
}

/**
 * Two-state Markov chain, stepped once per packet before the loss draw: good -> bad with probability p,
 * bad -> good with probability r; then the packet is lost with lossGood or lossBad of the new state.
 * Starts in the good state (as netem). With lossGood = 0 and lossBad = 1, losses come in bursts of mean 1/r.
 */
export class GilbertElliottLoss implements LossDecider {
  private readonly p: number;
  private readonly r: number;
  private readonly lossGood: number;
  private readonly lossBad: number;
  private readonly chainRng: Rng;
  private readonly lossRng: Rng;
  private bad = false;

  constructor(spec: { p: number; r: number; lossGood: number; lossBad: number }, chainRng: Rng, lossRng: Rng) {
    this.p = spec.p;
    this.r = spec.r;
    this.lossGood = spec.lossGood;
    this.lossBad = spec.lossBad;
    this.chainRng = chainRng;
    this.lossRng = lossRng;
  }

  get inBadState(): boolean {
    return this.bad;
  }

  lose(): boolean {
    const u = this.chainRng.next();
    if (this.bad) {
      if (u < this.r) this.bad = false;
    } else if (u < this.p) this.bad = true;
    const q = this.bad ? this.lossBad : this.lossGood;
    if (q <= 0) return false;
    if (q >= 1) return true;
    return this.lossRng.next() < q;
  }
}

/** A decider for a loss spec; `rngFor(purpose)` hands out the direction's named streams. */
export function createLossDecider(spec: LossSpec, rngFor: (purpose: 'loss' | 'loss-chain') => Rng): LossDecider {
  switch (spec.model) {
    case 'none':
      return NEVER;
    case 'bernoulli':
      return spec.rate > 0 ? new BernoulliLoss(spec.rate, rngFor('loss')) : NEVER;
    case 'gilbert-elliott':
      return new GilbertElliottLoss(spec, rngFor('loss-chain'), rngFor('loss'));
  }
}
