// A live SFU session for the scoring tests: a publisher whose camera plays a reference clip, a subscriber that
// records what it displays (frame sink), the subscriber optionally behind its own relay (delay, outage).
import { startBrowserSession } from '../../harness/browser/session.ts';
import type { BrowserSession } from '../../harness/browser/session.ts';
import { startFrameSink } from '../../harness/media/frame-sink.ts';
import type { FrameSink } from '../../harness/media/frame-sink.ts';
import { startRelay } from '../../harness/relay/index.ts';
import type { Relay } from '../../harness/relay/index.ts';
import type { Scenario } from '../../harness/scenario/types.ts';
import { directLink, Sfu } from '../../harness/sfu/index.ts';
import type { LayerConfig } from '../../harness/sfu/types.ts';
import { relayLink } from '../../harness/sfu/relay-link.ts';

/**
 * 360p in two layers (Chrome sends a single encoding without a rid, which the SFU does not forward): tests that
 * measure the network or the capture, not a 2-core machine encoding 720p simulcast.
 */
export const LAYERS_360P: LayerConfig[] = [
  { rid: 'l', scaleResolutionDownBy: 2, maxBitrateBps: 300_000 },
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrateBps: 1_000_000 },
];
export const CAPTURE_360P = { width: 640, height: 360, frameRate: 30 };

export interface ScoringLive {
  sfu: Sfu;
  session: BrowserSession;
  sink: FrameSink;
  /** The subscriber's relay and when it started on the session clock (its scenario's t = 0). */
  relay: Relay | null;
  relayStartMs: number | null;
  /** Now on the session clock (the sink's and samples' tMs). */
  nowMs(): number;
  close(): Promise<void>;
}

export interface ScoringLiveOptions {
  clipPath: string;
  /** The camera size (the clip's): default 1280x720 at 30 fps. */
  capture?: { width: number; height: number; frameRate: number };
  /** Simulcast layers of the room (default: the SFU's l/m/h). */
  layers?: LayerConfig[];
  subscriberScenario?: Scenario;
  pixels: boolean;
  /** Copy the pixels of every nth displayed frame only (default 1: every frame). */
  pixelsEveryNth?: number;
  codec?: 'VP8' | 'H264';
  /** Subscribers 'sub', 'sub2', 'sub3', ... (default 1); only 'sub' goes through subscriberScenario's relay. */
  subscribers?: number;
}

export async function startScoringLive(opts: ScoringLiveOptions): Promise<ScoringLive> {
  const originEpochMs = performance.timeOrigin + performance.now();
  const nowMs = () => performance.timeOrigin + performance.now() - originEpochMs;
  let relay: Relay | null = null;
  let relayStartMs: number | null = null;
  const direct = directLink(['127.0.0.1']);
  const viaRelay = opts.subscriberScenario
    ? relayLink(
        async () => {
          relay = await startRelay({ scenario: opts.subscriberScenario! });
          // The relay's t = 0 (its scenario's clock) on the session clock: startRelay took t0 before its worker started.
          relayStartMs = nowMs() - Number(process.hrtime.bigint() - relay.t0Ns) / 1e6;
          return relay;
        },
        { closeRelayOnLeave: false },
      )
    : null;
  const sfu = new Sfu({ link: (info) => (viaRelay && info.peerId === 'sub' ? viaRelay(info) : direct(info)) });
  const { url } = await sfu.start();
  sfu.createRoom('room', { token: 'tok', codec: opts.codec ?? 'VP8', layers: opts.layers });
  const sink = await startFrameSink({ originEpochMs });
  let session: BrowserSession;
  try {
    session = await startBrowserSession({
      signalingUrl: url,
      originEpochMs,
      fakeVideoFile: opts.clipPath,
      frameSinkUrl: sink.url,
      peers: [
        { id: 'pub', role: 'publisher', room: 'room', token: 'tok', frameCapture: {}, capture: opts.capture },
        ...Array.from({ length: opts.subscribers ?? 1 }, (_, i) => ({ id: i === 0 ? 'sub' : `sub${i + 1}`, role: 'subscriber' as const, room: 'room', token: 'tok', frameCapture: { pixels: opts.pixels, pixelsEveryNth: opts.pixelsEveryNth } })),
      ],
    });
  } catch (err) {
    await sink.close();
    await sfu.stop();
    throw err;
  }
  return {
    sfu,
    session,
    sink,
    get relay() {
      return relay;
    },
    get relayStartMs() {
      return relayStartMs;
    },
    nowMs,
    async close() {
      try {
        await session.close();
      } finally {
        await sfu.stop();
        await (relay as Relay | null)?.close().catch(() => undefined);
        await sink.close();
      }
    },
  };
}

/**
 * What the call did, per second, for a test that timed out waiting for it: each publisher layer as sent (size, rate,
 * Chrome's quality limitation), the SFU's REMB, what it forwarded to the subscriber and why, the subscriber's frames.
 */
export function callTrail(live: ScoringLive): string {
  const lines: string[] = [];
  for (const s of live.session.samplesOf('pub')) {
    const layers = s.outbound
      .map((o) => `${o.rid}:${o.frameWidth ?? '-'}w ${Math.round(o.bitrateBps / 1000)}k ${o.framesPerSecond ?? '-'}fps ${o.qualityLimitationReason ?? ''}${o.active === false ? ' off' : ''}`)
      .join(' ');
    const out = s.candidatePair?.availableOutgoingBitrateBps;
    lines.push(`${(s.tMs / 1000).toFixed(1)}s pub ${layers} avail ${out ? Math.round(out / 1000) : '-'}k`);
  }
  for (const s of live.session.samplesOf('sub')) {
    const v = s.inbound.map((i) => `${i.frameWidth ?? '-'}w ${Math.round(i.bitrateBps / 1000)}k ${i.framesPerSecond ?? '-'}fps`).join(' ');
    lines.push(`${(s.tMs / 1000).toFixed(1)}s sub ${v}`);
  }
  for (const e of live.sfu.events) {
    if (e.kind === 'publisher') lines.push(`${(e.sample.tMs / 1000).toFixed(1)}s sfu remb ${Math.round(e.sample.rembBps / 1000)}k (${e.sample.rembReason})`);
    if (e.kind === 'subscriber') lines.push(`${(e.sample.tMs / 1000).toFixed(1)}s sfu -> ${e.sample.subscriberId} ${e.sample.layer ?? '-'}${e.sample.pendingLayer ? `(>${e.sample.pendingLayer})` : ''} est ${Math.round(e.sample.estimateBps / 1000)}k: ${e.sample.reason}`);
    if (e.kind === 'switch') lines.push(`${(e.event.tMs / 1000).toFixed(1)}s sfu switch ${e.event.subscriberId} ${e.event.from} -> ${e.event.to} waited ${Math.round(e.event.waitedMs)} ms`);
  }
  return lines.sort((a, b) => parseFloat(a) - parseFloat(b)).join('\n');
}
