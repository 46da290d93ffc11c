// Scores of a BWE run: utilisation, p95 queueing delay and loss (RFC 8868's metrics for the RFC 8867
// test cases), and the network score of the ACM MMSys 2021 Grand Challenge "Bandwidth Estimation for
// Real-Time Communications" (OpenNetLab Challenge-Environment, metrics/utils/net_eval_method.py,
// NetEvalMethodNormal):
//
//   delay:   d_i = one-way delay of received packet i minus that of the first received packet;
//            delay_score = (400 - p95(min(400, d_i))) / (400 - min(d_i))      (p95 by linear interpolation)
//   rate:    recv_rate = received bytes / (last arrival - first arrival);
//            recv_rate_score = min(1, recv_rate / ground_recv_rate)
//   loss:    loss_rate = lost / (lost + received)
//   network_score = 100 x (0.2 delay_score + 0.2 recv_rate_score + 0.3 (1 - loss_rate))
//
// The weights sum to 0.7 (the challenge's remaining 0.3 scored video and audio quality), so the best
// network score is 70. The challenge compared the receive rate with a fixed ground_recv_rate per trace;
// here it is the link's mean capacity over the run: what a perfect estimator would receive.
// Only media packets count for the MMSys score (the challenge logged received RTP media, not padding).

import { percentile } from '../metrics/stats.ts';
import type { BwePacketRecord } from './types.ts';

export const MMSYS_MAX_DELAY_MS = 400;

export interface MmsysScore {
  score: number;
  delayScore: number;
  recvRateScore: number;
  lossRate: number;
}

/** Delivered / deliverable bytes, in [0, 1] for any real run (0 when the link could carry nothing). */
export function utilisation(deliveredBytes: number, capacityBytes: number): number {
  return capacityBytes > 0 ? deliveredBytes / capacityBytes : 0;
}

/** 95th percentile (nearest rank) of the queueing delay of the packets that got through; 0 if none did. */
export function p95QueueDelayMs(packets: readonly BwePacketRecord[]): number {
  const d: number[] = [];
  for (const p of packets) if (p.queueDelayMs !== null) d.push(p.queueDelayMs);
  return d.length === 0 ? 0 : percentile(d, 95);
}

/** Dropped / offered packets (media and padding); 0 when nothing was offered. */
export function lossRate(packets: readonly BwePacketRecord[]): number {
  if (packets.length === 0) return 0;
  let lost = 0;
  for (const p of packets) if (p.arrivalMs === null) lost++;
  return lost / packets.length;
}

/** numpy.percentile's default (linear interpolation between closest ranks), as the challenge used. */
export function linearPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export function mmsysNetworkScore(packets: readonly BwePacketRecord[], groundRecvBps: number, maxDelayMs = MMSYS_MAX_DELAY_MS): MmsysScore {
  const delays: number[] = [];
  let firstDelay: number | null = null;
  let firstArrival = Infinity;
  let lastArrival = -Infinity;
  let bytes = 0;
  let lost = 0;
  for (const p of packets) {
    if (p.probe) continue;
    if (p.arrivalMs === null) {
      lost++;
      continue;
    }
    const d = p.arrivalMs - p.sendMs;
    if (firstDelay === null) firstDelay = d;
    delays.push(d - firstDelay);
    bytes += p.bytes;
    firstArrival = Math.min(firstArrival, p.arrivalMs);
    lastArrival = Math.max(lastArrival, p.arrivalMs);
  }
  const received = delays.length;
  const lossRate = lost + received > 0 ? lost / (lost + received) : 0;
  let delayScore = 0;
  let recvRateScore = 0;
  if (received > 0) {
    let minDelay = Infinity;
    for (const d of delays) minDelay = Math.min(minDelay, d);
    const p95 = linearPercentile(delays.map((d) => Math.min(maxDelayMs, d)), 95);
    delayScore = (maxDelayMs - p95) / (maxDelayMs - minDelay);
    const spanMs = lastArrival - firstArrival;
    const recvBps = spanMs > 0 ? (bytes * 8000) / spanMs : 0;
    recvRateScore = groundRecvBps > 0 ? Math.min(1, recvBps / groundRecvBps) : 0;
  }
  const score = 100 * (0.2 * delayScore + 0.2 * recvRateScore + 0.3 * (1 - lossRate));
  return { score, delayScore, recvRateScore, lossRate };
}
