// Recovery figures of one live run with handovers, from what the pages and the SFU recorded (pure).
//
// Per handover (outage from startMs to startMs + outageMs, on the SFU's clock), looking at events from
// its start until the next handover's start (or the end of the run):
// - detect: the first sign of the failure anyone had: the moving page's ICE or connection state going
//   'disconnected'/'failed', the network-change signal, or the SFU's dead-path rule for that peer.
// - first restart: the moving page's first restart-ice or full-reconnect.
// - restarts / full reconnects: how many the moving page made (and how many restarts every page made).
// - recovery: the first decoded frame on each subscriber after the outage began: the end of the media
//   gap that covers the outage start. Media cannot resume before the outage ends: a gap ending earlier
//   would mean a path around the link (the integration test checks it never happens). A subscriber
//   whose gap never ends has not recovered (its open gap counts as frozen until the end of the run).
// - frozen: per subscriber, the decode gaps of at least 250 ms in the window, plus an open one.
// - ramp: the subscriber's received bitrate (per-second samples) after recovery: the mean over the
//   next 10 s, and the time until it first reaches 80% of its mean over the 5 s before the outage.

import type { PeerStatsSample } from '../browser/stats-types.ts';
import type { TimelineEvent } from '../run/types.ts';

export interface RecoveryEventLike {
  tMs: number;
  peerId: string;
  kind: string;
  state?: string;
  startMs?: number;
}

export interface SfuPathEventLike {
  kind: 'path';
  tMs: number;
  peerId: string;
  state: 'dead' | 'alive';
}

export interface HandoverWindow {
  /** The outage start on the SFU's clock. */
  startMs: number;
  outageMs: number;
  /** Where the run stops looking (the next handover, or the end of the run). */
  endMs: number;
  to: string;
}

export interface HandoverOutcome {
  startMs: number;
  outageMs: number;
  to: string;
  detectMs: number | null;
  detectedBy: string | null;
  sfuDetectMs: number | null;
  firstRestartMs: number | null;
  restarts: number;
  fullReconnects: number;
  /** Per subscriber: outage start -> first decoded frame after it; null: not recovered by endMs. */
  recoveryMs: Record<string, number | null>;
  frozenMs: Record<string, number>;
  postRecoveryKbps: Record<string, number | null>;
  rampMs: Record<string, number | null>;
}

const TROUBLE = new Set(['disconnected', 'failed']);

export function handoverOutcome(
  w: HandoverWindow,
  movingPeer: string,
  subscribers: readonly string[],
  events: readonly RecoveryEventLike[],
  sfuPath: readonly SfuPathEventLike[],
  samples: readonly PeerStatsSample[],
): HandoverOutcome {
  const inWindow = (t: number) => t >= w.startMs && t < w.endMs;
  const mine = events.filter((e) => e.peerId === movingPeer && inWindow(e.tMs));
  const signs: { tMs: number; by: string }[] = [];
  for (const e of mine) {
    if ((e.kind === 'ice-state' || e.kind === 'connection-state') && TROUBLE.has(e.state ?? '')) signs.push({ tMs: e.tMs, by: `page ${e.kind} ${e.state}` });
    if (e.kind === 'network-change') signs.push({ tMs: e.tMs, by: 'network-change signal' });
  }
  const sfuDead = sfuPath.find((p) => p.peerId === movingPeer && p.state === 'dead' && inWindow(p.tMs));
  if (sfuDead) signs.push({ tMs: sfuDead.tMs, by: 'SFU dead-path rule' });
  signs.sort((a, b) => a.tMs - b.tMs);
  const firstRestart = mine.find((e) => e.kind === 'restart-ice' || e.kind === 'full-reconnect');

  const recoveryMs: Record<string, number | null> = {};
  const frozenMs: Record<string, number> = {};
  const postRecoveryKbps: Record<string, number | null> = {};
  const rampMs: Record<string, number | null> = {};
  for (const sub of subscribers) {
    const gaps = events.filter((e) => e.peerId === sub && e.kind === 'media-gap' && e.startMs !== undefined && e.tMs > w.startMs && e.startMs < w.endMs);
    // The gap the outage made: it began before the outage ended (frames stop within a jitter buffer of the start).
    const outageGap = gaps.find((g) => g.startMs! <= w.startMs + w.outageMs);
    let frozen = 0;
    for (const g of gaps) frozen += Math.min(g.tMs, w.endMs) - Math.max(g.startMs!, w.startMs);
    // A subscriber that rebuilt its peer connection plays a new video element, whose page reports a first frame,
    // not a gap: that first frame ends the outage's freeze (which began, at the latest, at the outage).
    const rebuiltFrame = outageGap ? undefined : events.find((e) => e.peerId === sub && e.kind === 'first-frame' && e.tMs > w.startMs && e.tMs < w.endMs);
    if (rebuiltFrame) frozen += rebuiltFrame.tMs - w.startMs;
    const resumedAt = outageGap && outageGap.tMs < w.endMs ? outageGap.tMs : (rebuiltFrame?.tMs ?? null);
    if (resumedAt === null) {
      // Still frozen at the end of the window: from the last frame seen (or the outage start) to the end.
      const lastFrame = lastDecodeBefore(events, sub, w);
      frozen += w.endMs - Math.max(lastFrame, w.startMs);
    }
    recoveryMs[sub] = resumedAt === null ? null : resumedAt - w.startMs;
    frozenMs[sub] = Math.max(0, frozen);
    const rates = samples
      .filter((s) => s.peerId === sub)
      .map((s) => ({ tMs: s.tMs, bps: s.inbound.reduce((a, i) => a + i.bitrateBps, 0) }));
    const before = rates.filter((r) => r.tMs >= w.startMs - 5000 && r.tMs < w.startMs);
    const preBps = before.length ? before.reduce((a, r) => a + r.bps, 0) / before.length : 0;
    if (resumedAt === null) {
      postRecoveryKbps[sub] = null;
      rampMs[sub] = null;
    } else {
      const after = rates.filter((r) => r.tMs > resumedAt && r.tMs <= Math.min(w.endMs, resumedAt + 10_000));
      postRecoveryKbps[sub] = after.length ? after.reduce((a, r) => a + r.bps, 0) / after.length / 1000 : null;
      const reach = rates.find((r) => r.tMs > resumedAt && r.tMs < w.endMs && preBps > 0 && r.bps >= 0.8 * preBps);
      rampMs[sub] = reach ? reach.tMs - resumedAt : null;
    }
  }
  return {
    startMs: w.startMs,
    outageMs: w.outageMs,
    to: w.to,
    detectMs: signs.length ? signs[0].tMs - w.startMs : null,
    detectedBy: signs.length ? signs[0].by : null,
    sfuDetectMs: sfuDead ? sfuDead.tMs - w.startMs : null,
    firstRestartMs: firstRestart ? firstRestart.tMs - w.startMs : null,
    restarts: mine.filter((e) => e.kind === 'restart-ice').length,
    fullReconnects: mine.filter((e) => e.kind === 'full-reconnect').length,
    recoveryMs,
    frozenMs,
    postRecoveryKbps,
    rampMs,
  };
}

/** When the subscriber last decoded a frame before the window's end, as far as the events tell (gap ends, first frames). */
function lastDecodeBefore(events: readonly RecoveryEventLike[], sub: string, w: HandoverWindow): number {
  let last = -Infinity;
  for (const e of events) {
    if (e.peerId !== sub || e.tMs >= w.endMs) continue;
    if (e.kind === 'media-gap' || e.kind === 'first-frame') last = Math.max(last, e.tMs);
  }
  return last;
}

/**
 * The run's metrics (harness/metrics/catalog.ts) over every handover: the worst handover for times
 * (a gate holds for each), totals for counts. iceRecoveryS is absent when a subscriber never recovered
 * from some handover: iceRecovered is then 0 and iceUnrecoveredS says for how long it was without media.
 */
export function recoveryMetrics(outcomes: readonly HandoverOutcome[]): Record<string, number> {
  const m: Record<string, number> = {};
  if (outcomes.length === 0) return m;
  const s = (ms: number) => Math.round(ms) / 1000;
  const maxOf = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const detect = maxOf(outcomes.map((o) => o.detectMs));
  if (detect !== null && outcomes.every((o) => o.detectMs !== null)) m.iceDetectS = s(detect);
  const sfuDetect = maxOf(outcomes.map((o) => o.sfuDetectMs));
  if (sfuDetect !== null && outcomes.every((o) => o.sfuDetectMs !== null)) m.sfuDetectS = s(sfuDetect);
  const first = maxOf(outcomes.map((o) => o.firstRestartMs));
  if (first !== null && outcomes.every((o) => o.firstRestartMs !== null)) m.iceFirstRestartS = s(first);
  m.iceRestarts = outcomes.reduce((a, o) => a + o.restarts, 0);
  m.fullReconnects = outcomes.reduce((a, o) => a + o.fullReconnects, 0);
  const recoveries = outcomes.flatMap((o) => Object.values(o.recoveryMs));
  const recovered = recoveries.length > 0 && recoveries.every((r) => r !== null);
  m.iceRecovered = recovered ? 1 : 0;
  if (recovered) m.iceRecoveryS = s(Math.max(...(recoveries as number[])));
  else {
    const open = outcomes.flatMap((o) => Object.entries(o.recoveryMs).filter(([, r]) => r === null).map(([sub]) => o.frozenMs[sub]));
    if (open.length) m.iceUnrecoveredS = s(Math.max(...open));
  }
  // Frozen time per subscriber over every handover; the metric is the worst subscriber's.
  const frozenBySub = new Map<string, number>();
  for (const o of outcomes) for (const [sub, f] of Object.entries(o.frozenMs)) frozenBySub.set(sub, (frozenBySub.get(sub) ?? 0) + f);
  m.frozenS = s(Math.max(0, ...frozenBySub.values()));
  const post = outcomes.flatMap((o) => Object.values(o.postRecoveryKbps)).filter((x): x is number => x !== null);
  if (post.length) m.postRecoveryKbps = Math.round(Math.min(...post));
  const ramps = outcomes.flatMap((o) => Object.values(o.rampMs));
  if (ramps.length && ramps.every((r) => r !== null)) m.rampAfterRecoveryS = s(Math.max(...(ramps as number[])));
  return m;
}

/**
 * One handover's outcome as a timeline event (results.json keeps every handover and every subscriber, not
 * only the worst that the metrics report). Times are rounded to whole ms, kbps to 0.1.
 */
export function handoverOutcomeEvent(movingPeer: string, policy: string | null, o: HandoverOutcome): Extract<TimelineEvent, { kind: 'handover-outcome' }> {
  const ms = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    kind: 'handover-outcome',
    tMs: Math.round(o.startMs),
    peerId: movingPeer,
    policy,
    to: o.to,
    outageMs: o.outageMs,
    detectMs: ms(o.detectMs),
    detectedBy: o.detectedBy,
    sfuDetectMs: ms(o.sfuDetectMs),
    firstRestartMs: ms(o.firstRestartMs),
    restarts: o.restarts,
    fullReconnects: o.fullReconnects,
    subscribers: Object.keys(o.recoveryMs)
      .sort()
      .map((sub) => {
        const kbps = o.postRecoveryKbps[sub] ?? null;
        return { peerId: sub, recoveryMs: ms(o.recoveryMs[sub]), frozenMs: Math.round(o.frozenMs[sub] ?? 0), postRecoveryKbps: kbps === null ? null : Math.round(kbps * 10) / 10, rampMs: ms(o.rampMs[sub] ?? null) };
      }),
  };
}
