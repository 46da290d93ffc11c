// One live handover run: a werift SFU, one publisher and one subscriber in headless Chromium, the
// moving peer (default the publisher: the phone) behind a userspace relay that plays the scenario's
// link (phases, outages, handovers with address change), the other peer direct on loopback. The pages
// run the chosen ICE-restart policy. At each handover the relay's link goes dark for the outage; with
// addressChange the relay then moves the phone to a new port (a new 5-tuple; the old one is dead) and
// the harness posts the network-change signal into the phone's page, as the OS would tell an app that
// WiFi gave way to cellular. Nothing else is told: the page's policy must find its way back.
//
// Returns the recovery figures (recovery-metrics.ts) and a timeline of connection/recovery events.
// The run lasts the scenario's duration (the deadline): a policy that never recovers cannot hang it.

import type { BrowserSession, PeerRecoveryEvent } from '../browser/session.ts';
import { startBrowserSession } from '../browser/session.ts';
import type { PeerStatsSample } from '../browser/stats-types.ts';
import { relayTimelineEvents, startRelay } from '../relay/index.ts';
import type { AddressChangeEvent, Relay, RelayTimelineSample } from '../relay/index.ts';
import type { TimelineEvent } from '../run/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { directLink, Sfu } from '../sfu/index.ts';
import type { LinkFactory, SfuEvent } from '../sfu/index.ts';
import { relayLink } from '../sfu/relay-link.ts';
import { chooseLiveLinkBackend, type LinkProbe } from '../run/live-link-backend.ts';
import type { LinkBackendChoice } from '../netem/choose-backend.ts';
import { handoverOutcome, recoveryMetrics } from './recovery-metrics.ts';
import { scheduleNetworkSignal } from './network-signal.ts';
import type { HandoverOutcome, HandoverWindow } from './recovery-metrics.ts';

export interface HandoverRunOptions {
  /** The moving peer's link: phases and handover events (scenario time 0 = when the moving peer joins). */
  scenario: Scenario;
  /** The ICE-restart policy both pages run: its name (for results) and module file (loadIceRestart). */
  policy: { name: string; file: string };
  /** Seeds the policy's randomness (and the link model, via the scenario). Default scenario.seed. */
  seed?: number;
  /** Which peer is on the moving phone. Default 'publisher'. */
  moving?: 'publisher' | 'subscriber';
  /** Run length (the deadline), ms of scenario time. Default scenario.durationMs. */
  durationMs?: number;
  codec?: 'VP8' | 'H264';
  executablePath?: string;
  /** The SFU's dead-path rule (docs/sfu.md). Default 2500 ms. */
  deadPathMs?: number;
  log?: (msg: string) => void;
  onTimeline?: (e: TimelineEvent) => void;
  /** The capability probe behind the scenario's `link: auto | netem` (tests inject one). */
  probe?: LinkProbe;
}

export interface HandoverRunResult {
  policy: string;
  metrics: Record<string, number>;
  handovers: HandoverOutcome[];
  /** Connection/recovery events, relay samples of the moving link, network events; SFU clock (ms). */
  timeline: TimelineEvent[];
  /** Relay address changes, SFU clock. */
  addressChanges: { tMs: number; oldPort: number; newPort: number; handoverAtMs: number }[];
  /** The moving link's relay samples (relay counters per second; the outage is visible in them). */
  relaySamples: (RelayTimelineSample & { tMsSfu: number })[];
  samples: PeerStatsSample[];
  recoveryEvents: PeerRecoveryEvent[];
  sfuEvents: SfuEvent[];
  errors: string[];
  /** Where the moving peer's scenario time 0 sits on the SFU's clock. */
  scenarioOriginMs: number;
  /** The moving peer's link backend and why (the scenario's `link`). */
  link: LinkBackendChoice;
}

const PUB = 'pub';
const SUB = 'sub';

/** What the OS would call the network a phase stands for (the signal's `network`). */
export function networkTypeOf(scenario: Scenario, phaseName: string): string {
  const p = scenario.network.find((x) => x.name === phaseName);
  const label = `${p?.preset ?? ''} ${phaseName}`.toLowerCase();
  if (/lte|4g|5g|3g|cell/.test(label)) return 'cellular';
  if (/wifi|wlan/.test(label)) return 'wifi';
  return phaseName;
}

export async function runHandover(opts: HandoverRunOptions): Promise<HandoverRunResult> {
  const log = opts.log ?? (() => undefined);
  const scenario = opts.scenario;
  const durationMs = opts.durationMs ?? scenario.durationMs;
  const movingId = (opts.moving ?? 'publisher') === 'publisher' ? PUB : SUB;
  // The scenario's `link`, before anything starts: only the relay carries live WebRTC so far.
  const linkChoice = await chooseLiveLinkBackend(scenario, opts.probe);
  const timeline: TimelineEvent[] = [];
  const push = (e: TimelineEvent) => {
    timeline.push(e);
    opts.onTimeline?.(e);
  };
  let relay: Relay | null = null;
  let relayOriginMs = 0; // relay time 0 on the SFU's clock
  let session: BrowserSession | null = null;
  const addressChanges: HandoverRunResult['addressChanges'] = [];
  const relaySamples: HandoverRunResult['relaySamples'] = [];
  const signalled = new Set<number>();

  const signal = (handoverAtMs: number, to: string) => {
    if (signalled.has(handoverAtMs) || session === null) return;
    signalled.add(handoverAtMs);
    const network = networkTypeOf(scenario, to);
    session.networkChange(movingId, { network, cause: 'connection-change' }).catch((err: Error) => log(`network-change signal: ${err.message}`));
  };

  const relayFor = async (): Promise<Relay> => {
    if (relay) return relay;
    const r = await startRelay({ scenario, seed: opts.seed ?? scenario.seed });
    relayOriginMs = sfu.now() - r.nowMs();
    relay = r;
    r.onSample((samples) => {
      for (const s of samples) relaySamples.push({ ...s, tMsSfu: Math.round(s.tMs + relayOriginMs) });
      for (const e of relayTimelineEvents(samples, movingId, relayOriginMs)) push(e);
    });
    // The signal comes when the new link is up, or as late as the scenario's networkSignal says, or never.
    const signalLater = (handoverAtMs: number, to: string) => {
      const t = scheduleNetworkSignal(scenario.events, handoverAtMs, () => signal(handoverAtMs, to));
      if (t) timers.push(t);
    };
    r.onAddressChange((e: AddressChangeEvent) => {
      addressChanges.push({ tMs: Math.round(e.atMs + relayOriginMs), oldPort: e.oldPort, newPort: e.newPort, handoverAtMs: e.handoverAtMs });
      const h = scenario.events.find((x) => x.type === 'handover' && x.atMs === e.handoverAtMs);
      signalLater(e.handoverAtMs, h?.type === 'handover' ? h.to : 'unknown');
    });
    // Handovers without an address change: the new link is up at the outage's end.
    for (const h of scenario.events) {
      if (h.type !== 'handover' || h.addressChange) continue;
      const t = setTimeout(() => signalLater(h.atMs, h.to), Math.max(0, h.atMs + h.outageMs - r.nowMs()));
      t.unref();
      timers.push(t);
    }
    return r;
  };
  const timers: NodeJS.Timeout[] = [];
  const moving = relayLink(relayFor, { closeRelayOnLeave: false });
  const direct = directLink(['127.0.0.1']);
  const link: LinkFactory = (info) => (info.peerId === movingId ? moving(info) : direct(info));
  const sfu = new Sfu({ link, deadPathMs: opts.deadPathMs, log });
  sfu.onEvent((e) => {
    if (e.kind === 'path') push({ kind: 'connection', tMs: e.tMs, peerId: e.peerId, source: 'sfu', event: `path-${e.state}`, state: e.state, detail: `${e.silentMs} ms` });
    else if (e.kind === 'ice-restart') push({ kind: 'connection', tMs: e.tMs, peerId: e.peerId, source: 'sfu', event: 'sfu-ice-restart', detail: 'a description with new ICE credentials' });
    else if (e.kind === 'peer') push({ kind: 'connection', tMs: e.tMs, peerId: e.peerId, source: 'sfu', event: `peer-${e.state}`, detail: e.role });
  });
  const { url } = await sfu.start();
  sfu.createRoom('room', { token: 'tok', codec: opts.codec });
  const originEpochMs = performance.timeOrigin + performance.now() - sfu.now();
  const iceRestart = { file: opts.policy.file, seed: opts.seed ?? scenario.seed };
  try {
    session = await startBrowserSession({
      signalingUrl: url,
      originEpochMs,
      executablePath: opts.executablePath,
      peers: [
        { id: PUB, role: 'publisher', room: 'room', token: 'tok', iceRestart },
        { id: SUB, role: 'subscriber', room: 'room', token: 'tok', iceRestart },
      ],
      onRecoveryEvent: (e) => push({ kind: 'connection', tMs: e.tMs, peerId: e.peerId, source: 'page', event: e.kind, state: e.state, detail: e.detail, ...(e.startMs !== undefined ? { startMs: e.startMs } : {}) }),
    });
    const r = await waitFor(() => relay, 10_000, 'the moving peer to reach its relay');
    // The deadline: the scenario's duration in relay time.
    while (r.nowMs() < durationMs) await sleep(Math.min(250, durationMs - r.nowMs()));
  } finally {
    for (const t of timers) clearTimeout(t);
    await session?.close().catch(() => undefined);
    await sfu.stop();
    await (relay as Relay | null)?.close().catch(() => undefined);
  }
  const s = session as BrowserSession | null;
  if (s === null) throw new Error('no browser session');
  const handovers = scenario.events.filter((e) => e.type === 'handover');
  const endMs = durationMs + relayOriginMs;
  const windows: HandoverWindow[] = handovers.map((h, i) => ({
    startMs: h.atMs + relayOriginMs,
    outageMs: h.outageMs,
    endMs: i + 1 < handovers.length ? handovers[i + 1].atMs + relayOriginMs : endMs,
    to: h.to,
  }));
  for (const w of windows) push({ kind: 'network', tMs: Math.round(w.startMs), type: 'handover', durationMs: w.outageMs, detail: `to ${w.to}` });
  const sfuPath = sfu.events.flatMap((e) => (e.kind === 'path' ? [{ kind: 'path' as const, tMs: e.tMs, peerId: e.peerId, state: e.state }] : []));
  const outcomes = windows.map((w) => handoverOutcome(w, movingId, [SUB], s.recoveryEvents, sfuPath, s.samples));
  timeline.sort((a, b) => a.tMs - b.tMs);
  return {
    policy: opts.policy.name,
    metrics: recoveryMetrics(outcomes),
    handovers: outcomes,
    timeline,
    addressChanges,
    relaySamples,
    samples: s.samples,
    recoveryEvents: s.recoveryEvents,
    sfuEvents: sfu.events,
    errors: s.errors,
    scenarioOriginMs: relayOriginMs,
    link: linkChoice,
  };
}

async function waitFor<T>(get: () => T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
