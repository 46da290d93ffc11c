// Connection recovery in the page: the chosen ICE-restart policy (algorithms/ice-restart, imported as
// its own module file) gets the peer connection's state changes, the network-change signal and timer
// ticks, and this module executes its decisions: pc.restartIce() (the page's perfect negotiation then
// sends an offer with new ICE credentials through signaling) or a full rebuild (new peer connection,
// new signaling, rejoining the same room as the same peer). Every state change and action is posted
// to the harness with its time (window.netqoeEvent).

import { checkDecision, toIceRestartFactory } from '../../../algorithms/ice-restart/normalize.ts';
import type { IceRestartPolicy, RecoveryInput } from '../../../algorithms/ice-restart/types.ts';
import type { PageRecoveryEvent, RecoveryPageConfig } from './page-api.ts';
import { reportError } from './page-api.ts';

export interface RecoverableConnection {
  /** The peer connection in use now. */
  current(): RTCPeerConnection | null;
  /** A full reconnect: resolves with the new peer connection once it has joined again. */
  rebuild(): Promise<RTCPeerConnection>;
}

export interface Recovery {
  /** The harness's emulated OS signal (a mobile app's network-change callback). */
  networkChange(info: { network?: string; cause?: 'online' | 'connection-change' }): void;
  /** Start watching a (new) peer connection. */
  watch(pc: RTCPeerConnection): void;
  stop(): void;
}

const nowEpoch = () => performance.timeOrigin + performance.now();

export function record(e: Omit<PageRecoveryEvent, 'timestampEpochMs'> & { timestampEpochMs?: number }): void {
  void window.netqoeEvent?.({ timestampEpochMs: e.timestampEpochMs ?? nowEpoch(), ...e } as PageRecoveryEvent);
}

async function loadPolicy(cfg: RecoveryPageConfig): Promise<IceRestartPolicy> {
  const mod = (await import(cfg.policyUrl)) as Record<string, unknown>;
  const factory = toIceRestartFactory(mod, cfg.policyUrl, (m) => reportError(m));
  return factory.create({ seed: cfg.seed });
}

/** Without a config, states are still recorded (no policy acts). */
export async function startRecovery(cfg: RecoveryPageConfig | undefined, conn: RecoverableConnection): Promise<Recovery> {
  const policy = cfg ? await loadPolicy(cfg) : null;
  let rebuilding = false;
  let stopped = false;

  const feed = (input: RecoveryInput) => {
    if (!policy || stopped) return;
    let d: ReturnType<typeof checkDecision>;
    try {
      d = checkDecision(policy.name, policy.onInput(input));
    } catch (err) {
      reportError(`recovery: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (d.action === 'none') return;
    const pc = conn.current();
    if (d.action === 'restart-ice') {
      if (rebuilding || !pc || pc.signalingState === 'closed') return;
      record({ kind: 'restart-ice', detail: d.reason });
      pc.restartIce(); // negotiationneeded -> an offer with new ufrag/pwd (negotiation.ts)
      return;
    }
    if (rebuilding) return;
    rebuilding = true;
    record({ kind: 'full-reconnect', detail: d.reason });
    conn
      .rebuild()
      .then((next) => {
        record({ kind: 'reconnected', detail: 'new peer connection joined' });
        watch(next);
      })
      .catch((err) => reportError(`full reconnect: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        rebuilding = false;
      });
  };

  // Chrome keeps iceConnectionState 'connected' through a quick restart (no event at all), so a policy
  // waiting for 'connected' would never hear that its restart worked. The ICE transport's selected pair
  // changing is that news: the current state is passed on again then.
  const watchedTransports = new WeakSet<object>();
  const watchTransport = (pc: RTCPeerConnection) => {
    const t = pc.getTransceivers()[0]?.sender.transport?.iceTransport;
    if (!t || watchedTransports.has(t)) return;
    watchedTransports.add(t);
    t.addEventListener('selectedcandidatepairchange', () => {
      if (pc !== conn.current()) return;
      const pair = t.getSelectedCandidatePair();
      const state = pc.iceConnectionState;
      record({ kind: 'ice-state', state, detail: `selected pair now ${pair?.remote?.address ?? '?'}:${pair?.remote?.port ?? '?'}` });
      feed({ kind: 'ice-state', tMs: performance.now(), state });
    });
  };

  const watch = (pc: RTCPeerConnection) => {
    pc.addEventListener('signalingstatechange', () => watchTransport(pc));
    pc.addEventListener('iceconnectionstatechange', () => {
      watchTransport(pc);
      if (pc !== conn.current()) return; // an old connection's last words
      record({ kind: 'ice-state', state: pc.iceConnectionState, detail: '' });
      feed({ kind: 'ice-state', tMs: performance.now(), state: pc.iceConnectionState });
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== conn.current()) return;
      record({ kind: 'connection-state', state: pc.connectionState, detail: '' });
      feed({ kind: 'connection-state', tMs: performance.now(), state: pc.connectionState });
    });
  };

  const networkChange = (info: { network?: string; cause?: 'online' | 'connection-change' }) => {
    const cause = info.cause ?? 'connection-change';
    record({ kind: 'network-change', state: info.network, detail: cause });
    feed({ kind: 'network-change', tMs: performance.now(), cause, network: info.network });
  };
  // The real signals too, should the browser ever give them here.
  const onOnline = () => networkChange({ cause: 'online' });
  window.addEventListener('online', onOnline);
  const connection = (navigator as Navigator & { connection?: EventTarget & { type?: string } }).connection;
  const onConnection = () => networkChange({ cause: 'connection-change', network: connection?.type });
  connection?.addEventListener?.('change', onConnection);

  const timer = policy ? setInterval(() => feed({ kind: 'tick', tMs: performance.now() }), policy.tickMs) : null;
  const first = conn.current();
  if (first) watch(first);
  return {
    networkChange,
    watch,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      window.removeEventListener('online', onOnline);
      connection?.removeEventListener?.('change', onConnection);
    },
  };
}

/**
 * Media progress on a subscriber: framesDecoded of every receiver, polled every 50 ms. A pause of at
 * least minGapMs between two decoded frames is posted as a 'media-gap' (from the last frame before it
 * to the first after it); the first frame of each receiver as 'first-frame'.
 */
export function startDecodeWatch(current: () => RTCPeerConnection | null, minGapMs = 250): () => void {
  const last = new Map<string, { frames: number; atMs: number }>();
  let busy = false;
  const timer = setInterval(async () => {
    const pc = current();
    if (busy || !pc || pc.connectionState === 'closed') return;
    busy = true;
    try {
      for (const r of pc.getReceivers()) {
        if (r.track.kind !== 'video') continue;
        const report = await r.getStats();
        const at = nowEpoch();
        report.forEach((s: Record<string, unknown>) => {
          if (s.type !== 'inbound-rtp') return;
          const key = `${String(s.ssrc)}:${String(s.mid)}`;
          const frames = typeof s.framesDecoded === 'number' ? s.framesDecoded : 0;
          const prev = last.get(key);
          if (frames <= 0) return;
          if (!prev || frames < prev.frames) {
            record({ kind: 'first-frame', state: String(s.mid), detail: `${frames} frames` , timestampEpochMs: at });
            last.set(key, { frames, atMs: at });
            return;
          }
          if (frames === prev.frames) return;
          if (at - prev.atMs >= minGapMs) record({ kind: 'media-gap', state: String(s.mid), startEpochMs: prev.atMs, timestampEpochMs: at, detail: `${Math.round(at - prev.atMs)} ms without a decoded frame` });
          last.set(key, { frames, atMs: at });
        });
      }
    } catch {
      // the connection closed under us (a rebuild): the next poll reads the new one
    } finally {
      busy = false;
    }
  }, 50);
  return () => clearInterval(timer);
}
