// The loss and round trip a TCP download sees over time, as a Mathis goodput timeline (tcp.ts), for the
// simulator's fluid downloads. Pieces follow the downlink's settings timeline (phases, loss bursts,
// outages) and the uplink's (its delay is half the round trip), with:
// - Bernoulli loss (a phase's, a lossBurst's): its rate, constant over the piece (memoryless, evenly spread).
// - Gilbert-Elliott loss: the two-state chain of loss-models.ts, seeded, sampled into granules of
//   TCP_LOSS_GRANULE_MS: the chain steps once per packet a saturating sender would send (MSS-sized, at the
//   link's capacity: a sojourn of k packets ends when the capacity integral has moved k x MSS, so the chain
//   stands still in an outage), and a granule's loss rate is lossGood + (time in bad / granule) x
//   (lossBad - lossGood). So a run's downloads see the seed's bad spells where they fall, instead of the
//   long-run rate everywhere. Up to horizonMs; after it, the long-run rate.
// - The round trip Mathis uses: base RTT plus the jitter (ms) of both directions: with in-order delivery a
//   packet waits behind any earlier late one, so the flow's mean RTT sits about one jitter above the base.
// Mathis' p is the loss-event rate; a granule's packet-loss fraction stands in for it, which over-counts
// losses that come several to a window (within a granule a burst is spread evenly).

import type { LossSpec } from '../scenario/types.ts';
import type { CapacitySchedule } from './capacity-schedule.ts';
import type { SimulatedLinkDirection } from './link-direction.ts';
import { createRng, type Rng } from './prng.ts';
import { longRunLossRate, segmentIndexAt } from './settings-timeline.ts';
import { mathisTimeline, type LossPiece, type MathisTimeline } from './tcp.ts';

/** Gilbert-Elliott granularity of the TCP loss timeline (a few round trips: what a TCP window feels). */
export const TCP_LOSS_GRANULE_MS = 200;

export interface TcpLossTimelineOptions {
  mssBytes: number;
  /** Sample Gilbert-Elliott loss up to here (the session's end); default: the capacity schedule's horizon. */
  horizonMs?: number;
  /** Default TCP_LOSS_GRANULE_MS. */
  granuleMs?: number;
}

type GilbertElliott = Extract<LossSpec, { model: 'gilbert-elliott' }>;

/** One Gilbert-Elliott chain: its state, packets left in the current sojourn (0: draw), its random stream. */
interface Chain {
  bad: boolean;
  packetsLeft: number;
  rng: Rng;
}

/** Packets until the chain leaves its state (geometric with per-packet probability q; at least 1). */
function sojournPackets(q: number, rng: Rng): number {
  if (!(q > 0)) return Infinity;
  if (q >= 1) return 1;
  return Math.max(1, Math.ceil(Math.log(1 - rng.next()) / Math.log(1 - q)));
}

/** Appends the granules of [a, b) for a Gilbert-Elliott chain. */
function sampleGilbertElliott(
  out: LossPiece[],
  spec: GilbertElliott,
  chain: Chain,
  capacity: CapacitySchedule,
  mssBytes: number,
  granuleMs: number,
  a: number,
  b: number,
  rttMs: number,
): void {
  let t = a;
  let gStart = a;
  let gEnd = Math.min(b, (Math.floor(a / granuleMs) + 1) * granuleMs);
  let badMs = 0;
  while (t < b) {
    if (chain.packetsLeft <= 0) chain.packetsLeft = sojournPackets(chain.bad ? spec.r : spec.p, chain.rng);
    const sojournEndMs = chain.packetsLeft === Infinity ? Infinity : capacity.timeToDeliverMs(t, chain.packetsLeft * mssBytes);
    const partEnd = Math.min(sojournEndMs, b);
    const partStart = t;
    while (t < partEnd) {
      const x = Math.min(partEnd, gEnd);
      if (chain.bad) badMs += x - t;
      t = x;
      if (t >= gEnd) {
        const f = badMs / (gEnd - gStart);
        out.push({ startMs: gStart, lossRate: spec.lossGood + f * (spec.lossBad - spec.lossGood), rttMs });
        gStart = gEnd;
        gEnd = Math.min(b, gEnd + granuleMs);
        badMs = 0;
      }
    }
    if (sojournEndMs <= b) {
      chain.bad = !chain.bad;
      chain.packetsLeft = 0;
    } else if (chain.packetsLeft !== Infinity) {
      chain.packetsLeft -= capacity.deliverableBytes(partStart, b) / mssBytes;
    }
  }
}

/** Loss pieces of the downlink, each with the round trip in force at its start. */
export function tcpLossPieces(down: SimulatedLinkDirection, up: SimulatedLinkDirection, opts: TcpLossTimelineOptions): LossPiece[] {
  const downTl = down.compiled.timeline;
  const upTl = up.compiled.timeline;
  const capacity = down.compiled.capacity;
  const horizonMs = opts.horizonMs ?? capacity.horizonMs;
  const granuleMs = opts.granuleMs ?? TCP_LOSS_GRANULE_MS;
  const breaks = new Set<number>();
  for (const s of downTl.segments) breaks.add(s.startMs);
  for (const s of upTl.segments) breaks.add(s.startMs);
  if (horizonMs > 0 && Number.isFinite(horizonMs)) breaks.add(horizonMs);
  const times = [...breaks].sort((a, b) => a - b);
  const chains = new Map<string, Chain>();
  const pieces: LossPiece[] = [];
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    const end = k + 1 < times.length ? times[k + 1] : Infinity;
    const d = downTl.segments[segmentIndexAt(downTl, t)];
    const u = upTl.segments[segmentIndexAt(upTl, t)];
    const rttMs = d.spec.delayMs + u.spec.delayMs + d.spec.jitter.ms + u.spec.jitter.ms;
    const loss = d.loss;
    if (loss.model !== 'gilbert-elliott' || t >= horizonMs || d.outage) {
      pieces.push({ startMs: t, lossRate: longRunLossRate(loss), rttMs });
      continue;
    }
    let chain = chains.get(d.lossLabel);
    if (!chain) {
      chain = { bad: false, packetsLeft: 0, rng: createRng(down.seed, `${down.direction}/${d.lossLabel}/tcp-loss-chain`) };
      chains.set(d.lossLabel, chain);
    }
    sampleGilbertElliott(pieces, loss, chain, capacity, opts.mssBytes, granuleMs, t, Math.min(end, horizonMs), rttMs);
  }
  return pieces;
}

/** The Mathis goodput timeline of a link model's downlink (seeded by the link model's seed). */
export function tcpMathisTimeline(down: SimulatedLinkDirection, up: SimulatedLinkDirection, opts: TcpLossTimelineOptions): MathisTimeline {
  return mathisTimeline(tcpLossPieces(down, up, opts), opts.mssBytes);
}
