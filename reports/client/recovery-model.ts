// Connection recovery of live runs with an ICE-restart policy (harness/recovery), as lanes for the report:
// per run and peer, the connection state over time, the policy's actions, the outages, and when media
// resumed on each subscriber after each outage. Pure: the timeline in, plain data out.

export type LaneState = 'new' | 'checking' | 'connected' | 'disconnected' | 'failed' | 'closed';
export const LANE_STATES: readonly LaneState[] = ['new', 'checking', 'connected', 'disconnected', 'failed', 'closed'];

export interface StateInterval {
  startMs: number;
  endMs: number;
  state: LaneState;
}

export interface LaneAction {
  tMs: number;
  /** restart-ice / full-reconnect: the page's policy; network-change: the signal; sfu-ice-restart: the SFU's. */
  kind: 'restart-ice' | 'full-reconnect' | 'network-change' | 'sfu-ice-restart';
  detail: string;
}

export interface OutageSpan {
  startMs: number;
  endMs: number;
  type: string;
  detail: string;
}

export interface MediaResume {
  outageStartMs: number;
  /** The first decoded frame after the outage began; null: media never came back in the run. */
  tMs: number | null;
}

export interface RecoveryLane {
  runIndex: number;
  policy: string;
  peerId: string;
  intervals: StateInterval[];
  actions: LaneAction[];
  /** Only for peers that decode video (they report first-frame / media-gap); empty for a publisher. */
  resumes: MediaResume[];
}

export interface RecoveryRunInput {
  runIndex: number;
  policy: string;
  timeline: readonly unknown[];
  metrics: Readonly<Record<string, number>>;
}

export interface RecoveryMetricRow {
  key: string;
  label: string;
  /** One cell per run, in input order, already formatted. */
  cells: string[];
}

export interface RecoveryView {
  lanes: RecoveryLane[];
  outages: OutageSpan[];
  endMs: number;
  policies: string[];
  rows: RecoveryMetricRow[];
  /** Every handover x subscriber the runs recorded ('handover-outcome'), in run order. */
  handovers: HandoverOutcomeRow[];
}

/** One subscriber after one handover of a run, formatted for the report's table. */
export interface HandoverOutcomeRow {
  runIndex: number;
  policy: string;
  /** The outage start and the moving peer. */
  atMs: number;
  moving: string;
  to: string;
  subscriber: string;
  recovered: boolean;
  /** media back / frozen / bitrate after / ramp to 80%, formatted ('never' / '—' when absent). */
  cells: string[];
}

interface ConnectionEventLike {
  kind: 'connection';
  tMs: number;
  peerId: string;
  source: string;
  event: string;
  state?: string;
  detail?: string;
  startMs?: number;
}

interface NetworkEventLike {
  kind: 'network';
  tMs: number;
  type: string;
  durationMs: number | null;
  detail?: string;
}

function isRecoveryConnection(e: unknown): e is ConnectionEventLike {
  const o = e as ConnectionEventLike | null;
  return !!o && o.kind === 'connection' && Number.isFinite(o.tMs) && typeof o.peerId === 'string' && typeof o.event === 'string';
}

function isRecoveryNetwork(e: unknown): e is NetworkEventLike {
  const o = e as NetworkEventLike | null;
  return !!o && o.kind === 'network' && Number.isFinite(o.tMs) && typeof o.type === 'string';
}

export function hasConnectionEvents(timeline: readonly unknown[]): boolean {
  return timeline.some(isRecoveryConnection);
}

/** ICE states as lanes show them ('completed' is connected, a peer connection's 'connecting' is checking). */
export function laneState(state: string | undefined): LaneState | null {
  if (state === 'completed') return 'connected';
  if (state === 'connecting') return 'checking';
  return (LANE_STATES as readonly string[]).includes(state ?? '') ? (state as LaneState) : null;
}

/** Outage windows: network events that take the path away for a while (handover, outage). */
export function outageSpans(timeline: readonly unknown[]): OutageSpan[] {
  const out: OutageSpan[] = [];
  for (const e of timeline) {
    if (!isRecoveryNetwork(e) || (e.type !== 'handover' && e.type !== 'outage')) continue;
    if (e.durationMs === null || !(e.durationMs > 0)) continue;
    out.push({ startMs: e.tMs, endMs: e.tMs + e.durationMs, type: e.type, detail: e.detail ?? '' });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/**
 * The state intervals of one peer: its ICE states when the page reported any, else its peer-connection
 * states. Consecutive equal states merge; the last one lasts until endMs.
 */
export function stateIntervals(events: readonly ConnectionEventLike[], endMs: number): StateInterval[] {
  const page = events.filter((e) => e.source === 'page');
  const useIce = page.some((e) => e.event === 'ice-state');
  const points = page
    .filter((e) => e.event === (useIce ? 'ice-state' : 'connection-state'))
    .flatMap((e) => {
      const s = laneState(e.state);
      return s ? [{ tMs: e.tMs, state: s }] : [];
    })
    .sort((a, b) => a.tMs - b.tMs);
  // Several states at the same millisecond: the last one reported is the one that lasted.
  const settled = points.filter((p, i) => i + 1 >= points.length || points[i + 1].tMs !== p.tMs);
  const out: StateInterval[] = [];
  for (const p of settled) {
    const last = out[out.length - 1];
    if (last && last.state === p.state) continue;
    if (last) last.endMs = p.tMs;
    out.push({ startMs: p.tMs, endMs: Math.max(p.tMs, endMs), state: p.state });
  }
  return out;
}

/** Per outage, when this peer decoded video again: the end of its media gap that began before the outage ended. */
export function mediaResumes(events: readonly ConnectionEventLike[], outages: readonly OutageSpan[]): MediaResume[] {
  const decodes = events.some((e) => e.source === 'page' && (e.event === 'first-frame' || e.event === 'media-gap'));
  if (!decodes) return [];
  return outages.map((o) => {
    const gap = events
      .filter((e) => e.event === 'media-gap' && e.startMs !== undefined && e.tMs > o.startMs && e.startMs <= o.endMs)
      .sort((a, b) => a.tMs - b.tMs)[0];
    return { outageStartMs: o.startMs, tMs: gap ? gap.tMs : null };
  });
}

const RECOVERY_ACTION_KINDS = new Set<LaneAction['kind']>(['restart-ice', 'full-reconnect', 'network-change', 'sfu-ice-restart']);

const RECOVERY_METRIC_ROWS: { key: string; label: string; unit: string; digits: number }[] = [
  { key: 'iceDetectS', label: 'detect', unit: 's', digits: 2 },
  { key: 'iceFirstRestartS', label: 'first restart', unit: 's', digits: 2 },
  { key: 'iceRecoveryS', label: 'media back', unit: 's', digits: 2 },
  { key: 'iceRestarts', label: 'ICE restarts', unit: '', digits: 0 },
  { key: 'fullReconnects', label: 'full reconnects', unit: '', digits: 0 },
  { key: 'frozenS', label: 'frozen', unit: 's', digits: 2 },
  { key: 'postRecoveryKbps', label: 'bitrate after', unit: 'kbps', digits: 0 },
  { key: 'rampAfterRecoveryS', label: 'ramp to 80%', unit: 's', digits: 2 },
];

function recoveryMetricCell(metrics: Readonly<Record<string, number>>, key: string, unit: string, digits: number): string {
  const v = metrics[key];
  if (key === 'iceRecoveryS' && !Number.isFinite(v) && metrics.iceRecovered === 0) {
    const lost = metrics.iceUnrecoveredS;
    return Number.isFinite(lost) ? `never recovered (${lost.toFixed(1)} s without video)` : 'never recovered';
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function recoveryView(runs: readonly RecoveryRunInput[], durationMs: number): RecoveryView {
  let endMs = Math.max(durationMs, 1000);
  for (const r of runs) for (const e of r.timeline) if (isRecoveryConnection(e) || isRecoveryNetwork(e)) endMs = Math.max(endMs, e.tMs);
  const outages: OutageSpan[] = [];
  const seen = new Set<string>();
  const lanes: RecoveryLane[] = [];
  for (const r of runs) {
    const runOutages = outageSpans(r.timeline);
    for (const o of runOutages) {
      const key = `${o.type}@${o.startMs}+${o.endMs}`;
      if (!seen.has(key)) outages.push(o);
      seen.add(key);
    }
    const conn = r.timeline.filter(isRecoveryConnection);
    const peers = [...new Set(conn.map((e) => e.peerId))];
    for (const peerId of peers) {
      const mine = conn.filter((e) => e.peerId === peerId);
      lanes.push({
        runIndex: r.runIndex,
        policy: r.policy,
        peerId,
        intervals: stateIntervals(mine, endMs),
        actions: mine
          .filter((e) => RECOVERY_ACTION_KINDS.has(e.event as LaneAction['kind']))
          .map((e) => ({ tMs: e.tMs, kind: e.event as LaneAction['kind'], detail: e.detail ?? '' }))
          .sort((a, b) => a.tMs - b.tMs),
        resumes: mediaResumes(mine, runOutages),
      });
    }
  }
  outages.sort((a, b) => a.startMs - b.startMs);
  return {
    lanes,
    outages,
    endMs,
    policies: runs.map((r) => r.policy),
    rows: RECOVERY_METRIC_ROWS.map((m) => ({ key: m.key, label: m.label, cells: runs.map((r) => recoveryMetricCell(r.metrics, m.key, m.unit, m.digits)) })),
    handovers: handoverOutcomeRows(runs),
  };
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The runs' 'handover-outcome' events, one row per subscriber; malformed ones are skipped. */
export function handoverOutcomeRows(runs: readonly RecoveryRunInput[]): HandoverOutcomeRow[] {
  const out: HandoverOutcomeRow[] = [];
  const s = (ms: number | null, never: string) => (ms === null ? never : `${(ms / 1000).toFixed(2)} s`);
  for (const r of runs) {
    for (const raw of r.timeline) {
      const e = raw as { kind?: unknown; tMs?: unknown; peerId?: unknown; to?: unknown; subscribers?: unknown } | null;
      if (!e || e.kind !== 'handover-outcome' || finiteOrNull(e.tMs) === null || !Array.isArray(e.subscribers)) continue;
      for (const sub of e.subscribers as Record<string, unknown>[]) {
        if (!sub || typeof sub.peerId !== 'string') continue;
        const recoveryMs = finiteOrNull(sub.recoveryMs);
        const kbps = finiteOrNull(sub.postRecoveryKbps);
        out.push({
          runIndex: r.runIndex,
          policy: r.policy,
          atMs: e.tMs as number,
          moving: typeof e.peerId === 'string' ? e.peerId : '?',
          to: typeof e.to === 'string' ? e.to : '?',
          subscriber: sub.peerId,
          recovered: recoveryMs !== null,
          cells: [s(recoveryMs, 'never'), s(finiteOrNull(sub.frozenMs), '—'), kbps === null ? '—' : `${Math.round(kbps)} kbps`, s(finiteOrNull(sub.rampMs), '—')],
        });
      }
    }
  }
  return out;
}
