// Source: the Live WebRTC issue's acceptance (layer down within 3 s of a drop, top again within 15 s of the
// return, no decode error from a switch, publisher top layer within 10 s) and W3C webrtc-stats (freezes).
//
// Live-run metrics from a run's timeline: pure functions of the samples the runner collected (browser
// getStats, SFU layer switches, relay counters) and of each subscriber's downlink capacity steps. All times
// are the scenario's (ms since the links started).

import type { PeerStatsSample } from '../browser/stats-types.ts';
import type { TimelineEvent } from '../run/types.ts';
import type { SfuLayerSwitch } from '../sfu/types.ts';

export interface LiveLayer {
  rid: string;
  maxBitrateBps: number;
  scaleResolutionDownBy: number;
}

export interface LiveMetricsInput {
  /** Ascending by bitrate. */
  layers: readonly LiveLayer[];
  captureWidth: number;
  /** When each publisher joined the SFU (null: never). */
  publishers: readonly { id: string; joinedAtMs: number | null }[];
  /** Each subscriber's downlink capacity as a step function (first step at 0). */
  subscribers: readonly { id: string; downCapacity: readonly { tMs: number; bps: number }[] }[];
  timeline: readonly TimelineEvent[];
  /** End of the measured run. */
  endMs: number;
  /** The window after a switch in which the subscriber's trouble counts against it (checkSwitches). Default 2000 ms. */
  switchBlameMs?: number;
}

/** A step of a subscriber's downlink that the layers must follow. */
export interface CapacityChange {
  atMs: number;
  /** Until the next step (or the end). */
  untilMs: number;
  bps: number;
  kind: 'drop' | 'return';
  /** drop: the highest layer whose ceiling fits (the lowest when none does); return: the top layer. */
  targetLayer: number;
}

/**
 * The steps that matter for layer selection: a drop below the top layer's ceiling (to less than before),
 * and a return from below it to at least it.
 */
export function capacityChanges(steps: readonly { tMs: number; bps: number }[], layers: readonly LiveLayer[], endMs: number): CapacityChange[] {
  const top = layers.length - 1;
  const topBps = layers[top].maxBitrateBps;
  const out: CapacityChange[] = [];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1].bps;
    const { tMs, bps } = steps[i];
    const untilMs = i + 1 < steps.length ? steps[i + 1].tMs : endMs;
    if (bps < prev && bps < topBps) {
      let target = 0;
      for (let k = top; k >= 0; k--) {
        if (layers[k].maxBitrateBps <= bps) {
          target = k;
          break;
        }
      }
      out.push({ atMs: tMs, untilMs, bps, kind: 'drop', targetLayer: target });
    } else if (bps > prev && prev < topBps && bps >= topBps) {
      out.push({ atMs: tMs, untilMs, bps, kind: 'return', targetLayer: top });
    }
  }
  return out;
}

/** The layer index forwarded to one subscriber from one publisher over time, from the SFU's switches. */
export class LayerHistory {
  private readonly switches: { tMs: number; layer: number }[];

  constructor(switches: readonly SfuLayerSwitch[], rids: readonly string[]) {
    this.switches = switches.map((s) => ({ tMs: s.tMs, layer: rids.indexOf(s.to) })).sort((a, b) => a.tMs - b.tMs);
  }

  /** -1 before the first switch (nothing forwarded yet). */
  at(tMs: number): number {
    let layer = -1;
    for (const s of this.switches) {
      if (s.tMs > tMs) break;
      layer = s.layer;
    }
    return layer;
  }

  /** First time in [fromMs, untilMs) the layer satisfies `ok` (fromMs itself when it already does); null: never. */
  firstTime(fromMs: number, untilMs: number, ok: (layer: number) => boolean): number | null {
    if (ok(this.at(fromMs))) return fromMs;
    const sw = this.switches;
    for (let i = 0; i < sw.length; i++) {
      // Of several switches in the same millisecond, the last one is what was forwarded.
      if (i + 1 < sw.length && sw[i + 1].tMs === sw[i].tMs) continue;
      if (sw[i].tMs > fromMs && sw[i].tMs < untilMs && ok(sw[i].layer)) return sw[i].tMs;
    }
    return null;
  }

  /** Time on `layer` within [fromMs, toMs). */
  timeOn(layer: number, fromMs: number, toMs: number): number {
    let total = 0;
    let cur = this.at(fromMs);
    let t = fromMs;
    for (const s of this.switches) {
      if (s.tMs <= fromMs) continue;
      if (s.tMs >= toMs) break;
      if (cur === layer) total += s.tMs - t;
      cur = s.layer;
      t = s.tMs;
    }
    if (cur === layer) total += toMs - t;
    return total;
  }
}

/** The publisher's top layer is up: sent, at (nearly) full size, with the encoder allowed >= 90% of its ceiling. */
export function topLayerUp(s: PeerStatsSample, top: LiveLayer, captureWidth: number): boolean {
  const o = s.outbound.find((x) => x.rid === top.rid);
  if (!o || o.active === false || o.bitrateBps <= 0) return false;
  const width = captureWidth / top.scaleResolutionDownBy;
  return (o.frameWidth ?? 0) >= 0.9 * width && (o.targetBitrateBps ?? 0) >= 0.9 * top.maxBitrateBps;
}

export interface LiveDetail {
  /** Per subscriber x publisher x capacity change: seconds to follow it, null when it never did. */
  follow: { subscriberId: string; publisherId: string; change: CapacityChange; afterS: number | null }[];
  /** Per layer switch judged: what the subscriber's stream did around it (checkSwitches). */
  switches: SwitchCheck[];
}

/**
 * The live metrics (catalogue group 'live'). A metric that cannot be measured (no publisher reached its
 * top layer, a drop the layers never followed) is left out, so an expectation on it fails with "no value".
 */
export function liveMetrics(input: LiveMetricsInput): { metrics: Record<string, number>; detail: LiveDetail } {
  const { layers, timeline, endMs } = input;
  const rids = layers.map((l) => l.rid);
  const top = layers.length - 1;
  const blameMs = input.switchBlameMs ?? 2000;
  const metrics: Record<string, number> = {};

  const peerSamples = timeline.flatMap((e) => (e.kind === 'peer' ? [e.sample] : []));
  const switches = timeline.flatMap((e) => (e.kind === 'layer-switch' ? [e.change] : []));
  const samplesOf = (id: string) => peerSamples.filter((s) => s.peerId === id).sort((a, b) => a.tMs - b.tMs);

  // Publisher: time to the top layer (the slowest publisher).
  let topS: number | null = 0;
  for (const p of input.publishers) {
    const up = p.joinedAtMs === null ? undefined : samplesOf(p.id).find((s) => s.tMs >= p.joinedAtMs! && topLayerUp(s, layers[top], input.captureWidth));
    if (!up || p.joinedAtMs === null) {
      topS = null;
      break;
    }
    topS = Math.max(topS, (up.tMs - p.joinedAtMs) / 1000);
  }
  if (topS !== null && input.publishers.length) metrics.publisherTopLayerS = round3(topS);

  // Subscribers: following the capacity, and staying on top when undisturbed.
  const follow: LiveDetail['follow'] = [];
  let undisturbed: number | null = null;
  for (const sub of input.subscribers) {
    const changes = capacityChanges(sub.downCapacity, layers, endMs);
    for (const p of input.publishers) {
      const history = new LayerHistory(
        switches.filter((s) => s.subscriberId === sub.id && s.publisherId === p.id),
        rids,
      );
      for (const c of changes) {
        const ok = c.kind === 'drop' ? (l: number) => l >= 0 && l <= c.targetLayer : (l: number) => l === top;
        const t = history.firstTime(c.atMs, c.untilMs, ok);
        follow.push({ subscriberId: sub.id, publisherId: p.id, change: c, afterS: t === null ? null : round3((t - c.atMs) / 1000) });
      }
      if (!changes.some((c) => c.kind === 'drop')) {
        const firstTop = history.firstTime(0, endMs, (l) => l === top);
        const ratio = firstTop === null ? 0 : endMs > firstTop ? history.timeOn(top, firstTop, endMs) / (endMs - firstTop) : 1;
        undisturbed = undisturbed === null ? ratio : Math.min(undisturbed, ratio);
      }
    }
  }
  const worst = (kind: 'drop' | 'return') => {
    const xs = follow.filter((f) => f.change.kind === kind);
    if (!xs.length || xs.some((f) => f.afterS === null)) return null;
    return Math.max(...xs.map((f) => f.afterS!));
  };
  const down = worst('drop');
  const up = worst('return');
  if (down !== null) metrics.layerDownAfterDropS = down;
  if (up !== null) metrics.layerUpAfterReturnS = up;
  if (undisturbed !== null) metrics.undisturbedTopLayerRatio = round3(undisturbed);
  metrics.layerSwitchCount = switches.length;

  const checks = checkSwitches(timeline, switches, { windowMs: blameMs });
  const switchErrors = checks.filter((c) => c.trouble.some((t) => !t.excused)).length;
  metrics.switchDecodeErrors = switchErrors;

  // Subscribers' own counters: the last sample of each stream.
  let freezes = 0;
  let freezeS = 0;
  let keyframeRequests = 0;
  const rates: number[] = [];
  for (const sub of input.subscribers) {
    const ss = samplesOf(sub.id);
    const streams = new Set(ss.flatMap((s) => s.inbound.map((i) => i.publisherId ?? i.mid ?? String(i.ssrc))));
    for (const key of streams) {
      const of = (s: PeerStatsSample) => s.inbound.find((i) => (i.publisherId ?? i.mid ?? String(i.ssrc)) === key);
      const withStream = ss.filter((s) => of(s));
      const last = of(withStream[withStream.length - 1])!;
      freezes += last.freezeCount;
      freezeS += last.totalFreezesDurationS;
      keyframeRequests += last.pliCount + last.firCount;
      const decoding = withStream.findIndex((s) => of(s)!.framesDecoded > 0);
      if (decoding >= 0) {
        const xs = withStream.slice(decoding).map((s) => of(s)!.bitrateBps);
        rates.push(xs.reduce((a, b) => a + b, 0) / xs.length);
      }
    }
  }
  metrics.freezeCount = freezes;
  metrics.totalFreezesS = round3(freezeS);
  metrics.keyframeRequestCount = keyframeRequests;
  if (rates.length) metrics.avgReceivedKbps = Math.round(rates.reduce((a, b) => a + b, 0) / rates.length / 1000);
  const drops = sfuSocketDrops(timeline);
  if (drops !== null) metrics.sfuSocketDrops = drops;
  const relayDropped = relaySocketDrops(timeline);
  if (relayDropped !== null) metrics.relaySocketDrops = relayDropped;
  return { metrics, detail: { follow, switches: checks } };
}

/** One kind of trouble of the subscriber's stream between two of its samples around a switch. */
export interface SwitchTrouble {
  kind: 'freeze' | 'stall' | 'keyframe-request';
  /** The two samples it happened between (scenario ms). */
  fromMs: number;
  toMs: number;
  /** The subscriber's downlink or the publisher's uplink lost packets (outage, loss, queue, socket) in this interval or the second before it. */
  excused: boolean;
}

export interface SwitchCheck {
  tMs: number;
  subscriberId: string;
  publisherId: string;
  from: string | null;
  to: string;
  /** Informational: the forwarder switches only at a switch point, so this is true of every switch it reports. */
  atKeyframe: boolean;
  /** Keyframes the subscriber decoded on this stream from the sample before the switch to the window's end (>= 1: the switch point). */
  keyFramesDecodedRise: number;
  trouble: SwitchTrouble[];
}

/** How long before a stall or freeze a packet lost on the link still explains it (NACK round trips, the wait for a keyframe). */
export const LOSS_EXPLAINS_MS = 1000;

/**
 * What each layer switch did to the subscriber's stream, from the subscriber's per-second samples: the
 * window runs from its last sample at or before the switch to its first sample at least windowMs after
 * it (default 2000 ms: the switch point is the keyframe that opens the new layer, so a broken switch
 * shows at once; 2-3 sample intervals). Between each two samples of the window, trouble is a freeze
 * (freezeCount rose), a stall (framesDecoded did not rise: no frame decoded for a whole interval) or
 * a keyframe request (PLI/FIR rose: Chrome's answer to a decode error). Trouble is excused, as the
 * links' doing rather than the switch's, only when the subscriber's downlink relay or the publisher's
 * uplink relay dropped packets (outage, random loss, queue overflow, its socket) in that interval or
 * LOSS_EXPLAINS_MS before it.
 * The first switch of a stream (nothing before it) and a switch with no sample after it are not judged.
 */
export function checkSwitches(timeline: readonly TimelineEvent[], switches: readonly SfuLayerSwitch[], opts: { windowMs?: number } = {}): SwitchCheck[] {
  const windowMs = opts.windowMs ?? 2000;
  const bySubscriber = new Map<string, PeerStatsSample[]>();
  for (const e of timeline) {
    if (e.kind !== 'peer') continue;
    const xs = bySubscriber.get(e.sample.peerId) ?? [];
    xs.push(e.sample);
    bySubscriber.set(e.sample.peerId, xs);
  }
  for (const xs of bySubscriber.values()) xs.sort((a, b) => a.tMs - b.tMs);
  const linkDropped = (peerId: string, direction: 'up' | 'down', fromMs: number, toMs: number) =>
    timeline.some(
      (e) =>
        e.kind === 'relay' &&
        e.peerId === peerId &&
        e.direction === direction &&
        e.tMs > fromMs &&
        e.tMs - e.windowMs < toMs &&
        (e.inOutage || e.droppedQueue + e.droppedLoss + e.droppedOutage + (e.droppedSocket ?? 0) > 0),
    );
  const out: SwitchCheck[] = [];
  for (const sw of switches) {
    const stream = (s: PeerStatsSample) => s.inbound.find((i) => i.publisherId === sw.publisherId);
    const ss = (bySubscriber.get(sw.subscriberId) ?? []).filter((s) => stream(s));
    const b = ss.findLastIndex((s) => s.tMs <= sw.tMs);
    if (b < 0 || b + 1 >= ss.length) continue;
    let e = ss.findIndex((s) => s.tMs >= sw.tMs + windowMs);
    if (e < 0) e = ss.length - 1;
    const win = ss.slice(b, e + 1);
    const trouble: SwitchTrouble[] = [];
    for (let i = 1; i < win.length; i++) {
      const x = stream(win[i - 1])!;
      const y = stream(win[i])!;
      const fromMs = win[i - 1].tMs;
      const toMs = win[i].tMs;
      const excused = linkDropped(sw.subscriberId, 'down', fromMs - LOSS_EXPLAINS_MS, toMs) || linkDropped(sw.publisherId, 'up', fromMs - LOSS_EXPLAINS_MS, toMs);
      if (y.freezeCount > x.freezeCount) trouble.push({ kind: 'freeze', fromMs, toMs, excused });
      if (y.framesDecoded <= x.framesDecoded) trouble.push({ kind: 'stall', fromMs, toMs, excused });
      if (y.pliCount + y.firCount > x.pliCount + x.firCount) trouble.push({ kind: 'keyframe-request', fromMs, toMs, excused });
    }
    out.push({
      tMs: sw.tMs,
      subscriberId: sw.subscriberId,
      publisherId: sw.publisherId,
      from: sw.from,
      to: sw.to,
      atKeyframe: sw.atKeyframe,
      keyFramesDecodedRise: stream(win[win.length - 1])!.keyFramesDecoded - stream(win[0])!.keyFramesDecoded,
      trouble,
    });
  }
  return out;
}

/**
 * Datagrams the kernel dropped on the SFU's publisher sockets over the run: each publisher's counter is cumulative
 * (and restarts with a new connection), so its rises are summed. Null when no sample carried the counter.
 */
export function sfuSocketDrops(timeline: readonly TimelineEvent[]): number | null {
  const last = new Map<string, number>();
  let total: number | null = null;
  for (const e of timeline) {
    if (e.kind !== 'sfu-publisher') continue;
    const n = e.sample.socketDrops;
    if (n === undefined || n === null) continue;
    const before = last.get(e.sample.publisherId) ?? 0;
    total = (total ?? 0) + (n >= before ? n - before : n);
    last.set(e.sample.publisherId, n);
  }
  return total;
}

/** Datagrams the kernel dropped on the relays' own sockets (every peer, both directions); null when no sample carried it. */
export function relaySocketDrops(timeline: readonly TimelineEvent[]): number | null {
  let total: number | null = null;
  for (const e of timeline) if (e.kind === 'relay' && e.droppedSocket !== undefined) total = (total ?? 0) + e.droppedSocket;
  return total;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
