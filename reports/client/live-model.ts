// What the live charts need from a live run's timeline (harness/run/types.ts: 'peer', 'sfu-subscriber',
// 'sfu-publisher', 'layer-switch', relay samples, 'capacity'): per subscriber x publisher, the SFU's
// estimate, the link's capacity and the bitrate the browser received, the layer forwarded and its
// switches; per publisher, the bitrate sent per simulcast layer and Chrome's availableOutgoingBitrate.
// Pure; malformed events are skipped, never thrown on. (Top-level names start with `live`: the client
// files share one scope once bundled.)

export interface LiveRatePoint {
  tMs: number;
  bps: number;
}

export interface LiveEstimatePoint extends LiveRatePoint {
  reason: string;
}

export interface LiveLayerPoint {
  tMs: number;
  /** rid forwarded; null before the first keyframe. */
  layer: string | null;
  pending: string | null;
  reason: string;
  forwardedBps: number;
}

export interface LiveSwitch {
  tMs: number;
  from: string | null;
  to: string;
  reason: string;
  waitedMs: number;
  atKeyframe: boolean;
}

/** A scenario event on a peer's link (or on every link when peerId is absent). */
export interface LiveNetworkMark {
  tMs: number;
  type: string;
  durationMs: number | null;
  detail: string;
}

export interface LiveSubscriberView {
  subscriberId: string;
  publisherId: string;
  estimate: LiveEstimatePoint[];
  /** The subscriber's downlink capacity as a step series (relay windows, else scenario capacity events). */
  capacity: LiveRatePoint[];
  /** What the browser received from this publisher (inbound RTP bitrate). */
  received: LiveRatePoint[];
  layers: LiveLayerPoint[];
  switches: LiveSwitch[];
  /** Layer rids lowest first (the publisher's order when known). */
  rids: string[];
  network: LiveNetworkMark[];
  endMs: number;
}

export interface LivePublisherView {
  publisherId: string;
  rids: string[];
  /** Bitrate Chrome sent per simulcast layer. */
  sent: { rid: string; points: LiveRatePoint[] }[];
  availableOutgoing: LiveRatePoint[];
  /** The publisher's uplink capacity as a step series. */
  capacity: LiveRatePoint[];
  network: LiveNetworkMark[];
  endMs: number;
}

export interface LiveViews {
  subscribers: LiveSubscriberView[];
  publishers: LivePublisherView[];
}

function liveNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function liveRec(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function liveStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

const LIVE_KINDS = new Set(['sfu-subscriber', 'sfu-publisher', 'peer', 'layer-switch']);

/** Whether a timeline comes from a live SFU run (the report then draws the live charts). */
export function hasLiveSamples(timeline: readonly unknown[]): boolean {
  return Array.isArray(timeline) && timeline.some((raw) => LIVE_KINDS.has(String(liveRec(raw)?.kind)) && liveNum(liveRec(raw)?.tMs));
}

/** Usual rid order when a publisher never said: l, m, h, then anything else alphabetically. */
function liveRidOrder(rids: Iterable<string>): string[] {
  const rank = (r: string) => ({ l: 0, q: 0, m: 1, h: 2, f: 2 })[r] ?? 3;
  return [...new Set(rids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function liveSorted<T extends { tMs: number }>(a: T[]): T[] {
  return a.sort((x, y) => x.tMs - y.tMs);
}

export function liveViews(timeline: readonly unknown[]): LiveViews {
  const subs = new Map<string, LiveSubscriberView>();
  const pubs = new Map<string, LivePublisherView>();
  const pubRids = new Map<string, string[]>();
  const peerRole = new Map<string, string>();
  /** Capacity per peer and direction: relay windows (start = end - window) and scenario capacity events. */
  const relayCap = new Map<string, LiveRatePoint[]>();
  const eventCap = new Map<string, LiveRatePoint[]>();
  const inbound: { tMs: number; peerId: string; publisherId: string | null; bps: number }[] = [];
  const marks: (LiveNetworkMark & { peerId: string | null })[] = [];
  let endMs = 0;

  const sub = (subscriberId: string, publisherId: string): LiveSubscriberView => {
    const key = `${subscriberId}\u0000${publisherId}`;
    let v = subs.get(key);
    if (!v) {
      v = { subscriberId, publisherId, estimate: [], capacity: [], received: [], layers: [], switches: [], rids: [], network: [], endMs: 0 };
      subs.set(key, v);
    }
    return v;
  };
  const pub = (publisherId: string): LivePublisherView => {
    let v = pubs.get(publisherId);
    if (!v) {
      v = { publisherId, rids: [], sent: [], availableOutgoing: [], capacity: [], network: [], endMs: 0 };
      pubs.set(publisherId, v);
    }
    return v;
  };
  const push = (m: Map<string, LiveRatePoint[]>, key: string, p: LiveRatePoint) => {
    const a = m.get(key);
    if (a) a.push(p);
    else m.set(key, [p]);
  };

  for (const raw of Array.isArray(timeline) ? timeline : []) {
    const e = liveRec(raw);
    if (!e || !liveNum(e.tMs)) continue;
    const tMs = e.tMs;
    if (e.kind === 'sfu-subscriber') {
      const s = liveRec(e.sample);
      const sid = liveStr(s?.subscriberId);
      const pid = liveStr(s?.publisherId);
      if (!s || !sid || !pid) continue;
      const v = sub(sid, pid);
      if (liveNum(s.estimateBps)) v.estimate.push({ tMs, bps: s.estimateBps, reason: liveStr(s.estimateReason) ?? '' });
      v.layers.push({ tMs, layer: liveStr(s.layer), pending: liveStr(s.pendingLayer), reason: liveStr(s.reason) ?? '', forwardedBps: liveNum(s.forwardedBps) ? s.forwardedBps : 0 });
      peerRole.set(sid, 'subscriber');
      endMs = Math.max(endMs, tMs);
    } else if (e.kind === 'layer-switch') {
      const c = liveRec(e.change);
      const sid = liveStr(c?.subscriberId);
      const pid = liveStr(c?.publisherId);
      const to = liveStr(c?.to);
      if (!c || !sid || !pid || !to) continue;
      sub(sid, pid).switches.push({ tMs, from: liveStr(c.from), to, reason: liveStr(c.reason) ?? '', waitedMs: liveNum(c.waitedMs) ? c.waitedMs : 0, atKeyframe: c.atKeyframe === true });
      endMs = Math.max(endMs, tMs);
    } else if (e.kind === 'sfu-publisher') {
      const s = liveRec(e.sample);
      const pid = liveStr(s?.publisherId);
      if (!s || !pid || !Array.isArray(s.layers)) continue;
      const rids = s.layers.map((l) => liveStr(liveRec(l)?.rid)).filter((r): r is string => r !== null);
      if (rids.length) pubRids.set(pid, rids);
      pub(pid);
      peerRole.set(pid, 'publisher');
      endMs = Math.max(endMs, tMs);
    } else if (e.kind === 'peer') {
      const s = liveRec(e.sample);
      const peerId = liveStr(s?.peerId);
      if (!s || !peerId) continue;
      const role = liveStr(s.role);
      if (role) peerRole.set(peerId, role);
      if (role === 'publisher') {
        const v = pub(peerId);
        for (const o of Array.isArray(s.outbound) ? s.outbound : []) {
          const ob = liveRec(o);
          const rid = liveStr(ob?.rid) ?? 'single';
          if (!ob || !liveNum(ob.bitrateBps)) continue;
          let series = v.sent.find((x) => x.rid === rid);
          if (!series) {
            series = { rid, points: [] };
            v.sent.push(series);
          }
          series.points.push({ tMs, bps: ob.bitrateBps });
        }
        const cp = liveRec(s.candidatePair);
        if (cp && liveNum(cp.availableOutgoingBitrateBps)) v.availableOutgoing.push({ tMs, bps: cp.availableOutgoingBitrateBps });
      } else {
        for (const i of Array.isArray(s.inbound) ? s.inbound : []) {
          const ib = liveRec(i);
          if (ib && liveNum(ib.bitrateBps)) inbound.push({ tMs, peerId, publisherId: liveStr(ib.publisherId), bps: ib.bitrateBps });
        }
      }
      endMs = Math.max(endMs, tMs);
    } else if (e.kind === 'relay') {
      const peerId = liveStr(e.peerId);
      const dir = liveStr(e.direction);
      if (!peerId || (dir !== 'down' && dir !== 'up') || !liveNum(e.capacityBps)) continue;
      const startMs = liveNum(e.windowMs) ? Math.max(0, tMs - e.windowMs) : tMs;
      push(relayCap, `${peerId}\u0000${dir}`, { tMs: startMs, bps: e.capacityBps });
      endMs = Math.max(endMs, tMs);
    } else if (e.kind === 'network') {
      const type = liveStr(e.type);
      if (!type) continue;
      marks.push({ tMs, type, durationMs: liveNum(e.durationMs) ? e.durationMs : null, detail: liveStr(e.detail) ?? '', peerId: liveStr(e.peerId) });
    } else if (e.kind === 'capacity') {
      const peerId = liveStr(e.peerId);
      const dir = liveStr(e.direction);
      if (!peerId || (dir !== 'down' && dir !== 'up') || !liveNum(e.bps)) continue;
      push(eventCap, `${peerId}\u0000${dir}`, { tMs, bps: e.bps });
    }
  }

  const capacityOf = (peerId: string, dir: 'down' | 'up'): LiveRatePoint[] => {
    const key = `${peerId}\u0000${dir}`;
    return liveSorted([...(relayCap.get(key) ?? eventCap.get(key) ?? [])]);
  };

  for (const v of subs.values()) {
    liveSorted(v.estimate);
    liveSorted(v.layers);
    liveSorted(v.switches);
    v.capacity = capacityOf(v.subscriberId, 'down');
    // Inbound streams name their publisher; one without a name counts for every publisher of the subscriber.
    const mine = inbound.filter((i) => i.peerId === v.subscriberId && (i.publisherId === v.publisherId || i.publisherId === null));
    const byTime = new Map<number, number>();
    for (const i of mine) byTime.set(i.tMs, (byTime.get(i.tMs) ?? 0) + i.bps);
    v.received = liveSorted([...byTime].map(([tMs, bps]) => ({ tMs, bps })));
    const seen = [...v.layers.flatMap((l) => [l.layer, l.pending]), ...v.switches.flatMap((s) => [s.from, s.to])].filter((r): r is string => r !== null);
    const known = pubRids.get(v.publisherId);
    v.rids = known ? [...known, ...liveRidOrder(seen.filter((r) => !known.includes(r)))] : liveRidOrder(seen);
    v.network = liveMarksFor(marks, v.subscriberId);
    v.endMs = endMs;
  }
  for (const v of pubs.values()) {
    for (const s of v.sent) liveSorted(s.points);
    const known = pubRids.get(v.publisherId);
    const sentRids = v.sent.map((s) => s.rid);
    v.rids = known ? [...known, ...liveRidOrder(sentRids.filter((r) => !known.includes(r)))] : liveRidOrder(sentRids);
    v.sent.sort((a, b) => v.rids.indexOf(a.rid) - v.rids.indexOf(b.rid));
    liveSorted(v.availableOutgoing);
    v.capacity = capacityOf(v.publisherId, 'up');
    v.network = liveMarksFor(marks, v.publisherId);
    v.endMs = endMs;
  }
  const bySub = (a: LiveSubscriberView, b: LiveSubscriberView) => a.subscriberId.localeCompare(b.subscriberId) || a.publisherId.localeCompare(b.publisherId);
  return {
    subscribers: [...subs.values()].sort(bySub),
    publishers: [...pubs.values()].filter((p) => p.sent.length || p.availableOutgoing.length).sort((a, b) => a.publisherId.localeCompare(b.publisherId)),
  };
}

function liveMarksFor(marks: readonly (LiveNetworkMark & { peerId: string | null })[], peerId: string): LiveNetworkMark[] {
  return liveSorted(marks.filter((m) => m.peerId === null || m.peerId === peerId).map(({ tMs, type, durationMs, detail }) => ({ tMs, type, durationMs, detail })));
}

/** The value of a step series in force at tMs (the last point at or before it), null before the first. */
export function liveValueAt<T extends { tMs: number }>(points: readonly T[], tMs: number): T | null {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].tMs <= tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? points[lo - 1] : null;
}
