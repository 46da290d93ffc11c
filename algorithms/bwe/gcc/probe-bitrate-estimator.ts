// Source: libwebrtc ProbeBitrateEstimator (modules/congestion_controller/goog_cc/probe_bitrate_estimator.cc).
//
// A probe cluster is a short burst sent faster than the estimate. If the bottleneck is slower than the
// burst, the packets arrive spread out at the bottleneck's rate: the receive rate of the cluster
// measures the capacity. Send rate excludes the last packet's bytes and receive rate the first's
// (n packets span n - 1 intervals). Result: min(send, receive); a receive rate under 90% of the send
// rate means the link saturated, and 95% of it is taken (leave room for the queue to drain).

import type { PacketResult, ProbeRequest } from '../types.ts';

interface Cluster {
  request: ProbeRequest;
  registeredMs: number;
  received: { sendTimeMs: number; arrivalTimeMs: number; bytes: number }[];
  touched: boolean;
}

const MIN_RECEIVED_RATIO = 0.8;
const MAX_VALID_RATIO = 2;
const MIN_RATIO_FOR_UNSATURATED = 0.9;
const TARGET_UTILISATION = 0.95;
const MAX_INTERVAL_MS = 1000;
const CLUSTER_HISTORY_MS = 1000;

export interface ProbeResult {
  clusterId: number;
  bps: number;
}

export class ProbeBitrateEstimator {
  private readonly clusters = new Map<number, Cluster>();

  /** The estimator only measures clusters it asked for (it knows their size). */
  register(request: ProbeRequest, nowMs: number): void {
    this.clusters.set(request.clusterId, { request, registeredMs: nowMs, received: [], touched: false });
  }

  add(p: PacketResult): void {
    if (p.probeClusterId === undefined || p.arrivalTimeMs === null) return;
    const c = this.clusters.get(p.probeClusterId);
    if (!c) return;
    c.received.push({ sendTimeMs: p.sendTimeMs, arrivalTimeMs: p.arrivalTimeMs, bytes: p.bytes });
    c.touched = true;
  }

  /** The latest valid result among clusters that got packets since the last call; old clusters are forgotten. */
  takeResult(nowMs: number): ProbeResult | null {
    let result: ProbeResult | null = null;
    for (const [id, c] of this.clusters) {
      if (c.touched) {
        c.touched = false;
        const bps = estimateCluster(c);
        if (bps !== null) result = { clusterId: id, bps };
      }
      if (nowMs - c.registeredMs > CLUSTER_HISTORY_MS + 2 * MAX_INTERVAL_MS) this.clusters.delete(id);
    }
    return result;
  }
}

function estimateCluster(c: Cluster): number | null {
  const pk = c.received;
  const minBytes = (c.request.bps * c.request.minDurationMs) / 8000;
  let total = 0;
  for (const p of pk) total += p.bytes;
  if (pk.length < MIN_RECEIVED_RATIO * c.request.minPackets || total < MIN_RECEIVED_RATIO * minBytes) return null;
  let firstSend = pk[0];
  let lastSend = pk[0];
  let firstArrival = pk[0];
  let lastArrival = pk[0];
  for (const p of pk) {
    if (p.sendTimeMs < firstSend.sendTimeMs) firstSend = p;
    if (p.sendTimeMs >= lastSend.sendTimeMs) lastSend = p;
    if (p.arrivalTimeMs < firstArrival.arrivalTimeMs) firstArrival = p;
    if (p.arrivalTimeMs >= lastArrival.arrivalTimeMs) lastArrival = p;
  }
  const sendIntervalMs = lastSend.sendTimeMs - firstSend.sendTimeMs;
  const receiveIntervalMs = lastArrival.arrivalTimeMs - firstArrival.arrivalTimeMs;
  if (!(sendIntervalMs > 0 && sendIntervalMs <= MAX_INTERVAL_MS && receiveIntervalMs > 0 && receiveIntervalMs <= MAX_INTERVAL_MS)) return null;
  const sendBps = ((total - lastSend.bytes) * 8000) / sendIntervalMs;
  const receiveBps = ((total - firstArrival.bytes) * 8000) / receiveIntervalMs;
  if (receiveBps > MAX_VALID_RATIO * sendBps) return null;
  if (receiveBps < MIN_RATIO_FOR_UNSATURATED * sendBps) return TARGET_UTILISATION * receiveBps;
  return Math.min(sendBps, receiveBps);
}
