// A live WebRTC run (mode: live): the werift SFU in this process, one userspace relay per browser peer
// running that peer's link on the wall clock, headless Chromium publishers and subscribers through them.
// One run per layer selector x downlink estimator; each collects the browsers' getStats, the SFU's
// samples and switches, and the relays' counters into the timeline, computes the live metrics, checks
// `expect:`, and always tears everything down (no Chromium or relay left, also on error or deadline).

import type { Logger } from 'pino';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import type { ReferenceClip } from '../../fixtures/reference-clips.ts';
import { startFrameSink } from '../media/frame-sink.ts';
import { defaultPixelsEveryNth } from '../media/capture-budget.ts';
import type { FrameSink } from '../media/frame-sink.ts';
import { liveScoreMetrics, publisherOfVideo, scoreLiveCapture } from '../media/score-live.ts';
import { loadIceRestart } from '../../algorithms/ice-restart/load-user.ts';
import { loadLayerSelector } from '../../algorithms/layer/load-user.ts';
import { getLayerSelector } from '../../algorithms/layer/registry.ts';
import type { LayerSelectorFactory } from '../../algorithms/layer/types.ts';
import type { LoadedIceRestart } from '../../algorithms/ice-restart/load-user.ts';
import { handoverOutcome, handoverOutcomeEvent, recoveryMetrics } from '../recovery/recovery-metrics.ts';
import { scheduleNetworkSignal } from '../recovery/network-signal.ts';
import type { HandoverOutcome, RecoveryEventLike, SfuPathEventLike } from '../recovery/recovery-metrics.ts';
import { networkTypeOf } from '../recovery/handover-run.ts';
import type { BrowserSession } from '../browser/session.ts';
import type { PeerStatsSample } from '../browser/stats-types.ts';
import { startBrowserSession } from '../browser/session.ts';
import { metricInfo } from '../metrics/catalog.ts';
import { evaluateExpectations } from '../metrics/expectations.ts';
import { liveMetrics } from '../metrics/live-metrics.ts';
import { liveMosMetrics } from '../metrics/mos/live-mos.ts';
import { p1203Variant } from '../metrics/mos/p1203-streaming.ts';
import type { Relay } from '../relay/index.ts';
import { relayTimelineEvents, startRelay } from '../relay/index.ts';
import type { Scenario, WebrtcPeerSpec, WebrtcSpec } from '../scenario/types.ts';
import { defaultWebrtc } from '../scenario/parse.ts';
import { createDownlinkEstimatorFromBwe } from '../sfu/bwe-adapter.ts';
import { DEFAULT_CAPTURE, Sfu } from '../sfu/index.ts';
import type { RoomOptions } from '../sfu/index.ts';
import { relayLink } from '../sfu/relay-link.ts';
import { networkEventTimeline } from '../sim/timeline-extras.ts';
import { capacitySteps, peerScenario } from './live-links.ts';
import { chooseLiveLinkBackend, type LinkProbe } from './live-link-backend.ts';
import type { LinkBackendChoice } from '../netem/choose-backend.ts';
import type { RunResult, TimelineEvent } from './types.ts';

export interface LiveRunOptions {
  seed?: number;
  /** Chromium binary (default: CHROME_PATH or the usual paths). */
  executablePath?: string;
  /** Starting the call and tearing it down may take this long beyond the scenario's duration. Default 45 s. */
  slackMs?: number;
  /** The hard deadline, from the start of the links: past it the run stops as crashed. Default duration + slackMs. */
  deadlineMs?: number;
  /**
   * Ends the call early (the CLI's Ctrl-C): the run is measured up to then, marked with interruptedAtMs, and the
   * scenario's remaining runs are skipped. The caller owns SIGINT/SIGTERM then (puppeteer's handlers stay off).
   */
  signal?: AbortSignal;
  /** Folder an estimator file (algorithms.bwe: ./my-bwe.ts) is resolved against; default the scenario's. */
  baseDir?: string;
  log?: Logger;
  /** Told once a second of the scenario time elapsed. */
  onTick?: (tMs: number, durationMs: number) => void;
  /** Told of every Chromium started (tests check it is gone afterwards). */
  onBrowser?: (b: { userDataDir: string; pid: number | undefined }) => void;
  /** Score what each subscriber saw (docs/scoring.md): 'frame-score', 'freeze' and 'latency' timeline events. */
  score?: LiveScoreConfig;
  /** The link backend, already chosen (the CLI decides before any run starts); default: chooseLiveLinkBackend with `probe`. */
  linkChoice?: LinkBackendChoice;
  /** The capability probe behind `link: auto | netem` (tests inject one). Default: probeLinkCapabilities. */
  probe?: LinkProbe;
}

export interface LiveScoreConfig {
  /** Length of the numbered 720p reference clip the publishers' camera plays (looped). Default 10 s. */
  clipS?: number;
  /** Size VMAF/PSNR/SSIM are computed at (reference and received both scaled to it). Default 640x360: 720p VMAF runs at ~15 frames/s on 2 cores. */
  scoreSize?: { width: number; height: number };
  /** Score every nth slot; VMAF on every nth scored slot (libvmaf n_subsample). Default 1 and 1. */
  everyNth?: number;
  vmafSubsample?: number;
  /** VMAF model file (default NETQOE_VMAF_MODEL, else the shipped v0.6.1). */
  modelPath?: string;
  /**
   * The subscriber pages copy the pixels of every nth presented frame only (default: defaultPixelsEveryNth, under
   * ~10 Mpx/s in total; 3 for one 720p subscriber). Copying every 720p frame on 2 cores slows the call itself
   * (glass-to-glass grew from ~200 to ~900 ms in 8 s); frames without pixels are in the timeline (freezes,
   * latency) but not scored.
   */
  pixelsEveryNth?: number;
}

/**
 * One run per layer selector x estimator x ICE-restart policy (no estimator: the SFU's default
 * downlink estimate; no policy: the pages only record connection states).
 */
export async function runLiveScenario(scenario: Scenario, opts: LiveRunOptions = {}): Promise<RunResult[]> {
  const layersSel = scenario.algorithms.layer?.length ? scenario.algorithms.layer : ['highest-fit'];
  const estimators: (string | null)[] = scenario.algorithms.bwe.length ? scenario.algorithms.bwe : [null];
  const policies: (string | null)[] = scenario.algorithms.iceRestart.length ? scenario.algorithms.iceRestart : [null];
  // The link backend first: an unusable or unsupported one is bad input (exit 2) before anything starts.
  const linkChoice = opts.linkChoice ?? (await chooseLiveLinkBackend(scenario, opts.probe));
  opts.log?.info({ link: linkChoice.backend, why: linkChoice.why }, 'link backend');
  // User layer-selector files, loaded before anything starts: a bad one is bad input (exit 2) naming the file.
  const userSelectors = new Map<string, LayerSelectorFactory>();
  for (const layer of layersSel) if (!getLayerSelector(layer)) userSelectors.set(layer, await loadLayerSelector(layer, opts.baseDir ?? dirnameOf(scenario.file)));
  const runs: RunResult[] = [];
  for (const layer of layersSel) {
    for (const bwe of estimators) {
      for (const policy of policies) {
        if (opts.signal?.aborted) return runs;
        runs.push(await runLiveOnce(scenario, layer, bwe, policy, { ...opts, linkChoice }, userSelectors.get(layer) ?? null));
      }
    }
  }
  return runs;
}

/** The SFU's downlink estimator for `bwe`: an algorithms/bwe estimator through harness/sfu/bwe-adapter.ts. */
function downlinkEstimatorFor(bwe: string, baseDir: string, topLayerBps: number): Pick<RoomOptions, 'downlinkEstimator' | 'downlinkTransportCc'> {
  // No probing or padding past what the top layer needs with margins (the adapter's 2.5 Mbps for the default 2 Mbps).
  const opts = { baseDir, ceilingBps: Math.round(1.25 * topLayerBps) };
  // Fail here, before any browser starts, on an estimator that does not load.
  createDownlinkEstimatorFromBwe(bwe, opts);
  return { downlinkEstimator: () => createDownlinkEstimatorFromBwe(bwe, opts), downlinkTransportCc: true };
}

async function runLiveOnce(scenario: Scenario, layer: string, bwe: string | null, policy: string | null, opts: LiveRunOptions, userSelector: LayerSelectorFactory | null = null): Promise<RunResult> {
  const wallStart = performance.now();
  const seed = opts.seed ?? scenario.seed;
  const call: WebrtcSpec = scenario.webrtc ?? defaultWebrtc(scenario);
  const peers: WebrtcPeerSpec[] = [...call.publishers, ...call.subscribers];
  const log = opts.log;
  const result = (status: RunResult['status'], extra: Partial<RunResult>): RunResult => ({
    scenario: scenario.name,
    scenarioFile: scenario.file,
    mode: 'live',
    seed,
    algorithms: { layer, ...(bwe !== null ? { bwe } : {}), ...(policy !== null ? { iceRestart: policyName ?? policy } : {}) },
    status,
    metrics: {},
    expectations: [],
    timeline: [],
    wallMs: performance.now() - wallStart,
    ...(opts.linkChoice ? { link: { backend: opts.linkChoice.backend, why: opts.linkChoice.why } } : {}),
    ...extra,
  });

  let policyName: string | null = null;
  const relays = new Map<string, Relay>();
  // Each peer reaches the SFU only through its own relay (started below, before any browser joins).
  const link = relayLink(
    (info) => {
      const r = relays.get(info.peerId);
      if (!r) throw new Error(`no link for peer "${info.peerId}" (not in the scenario's webrtc section)`);
      return r;
    },
    { closeRelayOnLeave: false },
  );
  const sfu = new Sfu({ link, log: log ? (m) => log.debug({ sfu: m }) : undefined });
  let live: Promise<void> | null = null;
  let stopped = false;
  let session: BrowserSession | null = null;
  let deadlineTimer: NodeJS.Timeout | undefined;
  const signalTimers: NodeJS.Timeout[] = [];
  const timeline: TimelineEvent[] = [];
  let out: RunResult;
  let collect: (() => void) | null = null;
  let clip: ReferenceClip | null = null;
  let sink: FrameSink | null = null;
  try {
    // A scored run: the publishers' camera plays a numbered reference clip (made before the links start).
    if (opts.score) clip = await ensureReferenceClip({ height: 720, durationS: opts.score.clipS ?? 10 });
    const estimator = bwe === null ? {} : downlinkEstimatorFor(bwe, opts.baseDir ?? dirnameOf(scenario.file), call.layers[call.layers.length - 1].maxBitrateBps);
    // The ICE-restart policy the pages run (harness/recovery, algorithms/ice-restart); loaded before any browser starts.
    const iceRestart: LoadedIceRestart | null = policy === null ? null : await loadIceRestart(policy, opts.baseDir ?? dirnameOf(scenario.file));
    policyName = iceRestart?.factory.name ?? null;
    await sfu.start();
    const upCapBps = Math.max(...call.publishers.map((p) => Math.max(...capacitySteps(peerScenario(scenario, p), 'up', 1000).map((s) => s.bps))));
    sfu.createRoom('call', {
      token: 'live',
      codec: call.codec,
      layers: call.layers,
      layerSelector: userSelector ? () => userSelector.create() : layer,
      uplinkCapBps: upCapBps,
      ...estimator,
    });

    // Scenario time 0: the links start. Every clock (SFU, relays, browsers) is mapped onto it.
    const originNs = process.hrtime.bigint();
    const originPerfMs = performance.now();
    if (clip) sink = await startFrameSink({ originEpochMs: performance.timeOrigin + originPerfMs });
    const started = await Promise.allSettled(peers.map((p) => startRelay({ scenario: peerScenario(scenario, p), seed })));
    started.forEach((r, i) => {
      if (r.status === 'fulfilled') relays.set(peers[i].id, r.value);
    });
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const sfuOffsetMs = performance.now() - sfu.now() - originPerfMs;
    // Handovers: when a peer's link comes up on the new network (with addressChange: when the relay has
    // moved it to its new port), the page gets the network-change signal a mobile OS would give.
    const signalled = new Set<string>();
    const signal = (p: WebrtcPeerSpec, handoverAtMs: number) => {
      const key = `${p.id}@${handoverAtMs}`;
      const s = session as BrowserSession | null;
      if (signalled.has(key) || s === null) return;
      signalled.add(key);
      const ps = peerScenario(scenario, p);
      const h = ps.events.find((e) => e.type === 'handover' && e.atMs === handoverAtMs);
      const network = networkTypeOf(ps, h?.type === 'handover' ? h.to : '');
      s.networkChange(p.id, { network, cause: 'connection-change' }).catch((err: Error) => log?.warn({ peer: p.id, err: err.message }, 'network-change signal'));
    };
    // The scenario's networkSignal: later than the link, or never (harness/recovery/network-signal.ts).
    const signalLater = (p: WebrtcPeerSpec, handoverAtMs: number) => {
      const t = scheduleNetworkSignal(peerScenario(scenario, p).events, handoverAtMs, () => signal(p, handoverAtMs));
      if (t) signalTimers.push(t);
    };
    for (const p of peers) {
      const relay = relays.get(p.id)!;
      relay.onAddressChange((e) => signalLater(p, e.handoverAtMs));
      for (const h of peerScenario(scenario, p).events) {
        if (h.type !== 'handover' || h.addressChange) continue;
        const t = setTimeout(() => signalLater(p, h.atMs), Math.max(0, originPerfMs + h.atMs + h.outageMs - performance.now()));
        t.unref();
        signalTimers.push(t);
      }
    }
    // Collect (also for a run that failed midway): browsers' samples, relays' windows, each link's capacity and events.
    collect = () => {
      collect = null;
      const s = session as BrowserSession | null;
      for (const sample of s?.samples ?? []) if (sample.tMs <= scenario.durationMs) timeline.push({ kind: 'peer', tMs: sample.tMs, sample });
      for (const p of peers) {
        const relay = relays.get(p.id)!;
        const offsetMs = Number(relay.t0Ns - originNs) / 1e6;
        timeline.push(...relayTimelineEvents(relay.timeline(), p.id, offsetMs));
        const ps = peerScenario(scenario, p);
        for (const direction of ['up', 'down'] as const) {
          for (const c of capacitySteps(ps, direction)) timeline.push({ kind: 'capacity', tMs: c.tMs, direction, bps: c.bps, peerId: p.id });
        }
        if (p.ownLink) for (const e of networkEventTimeline(ps)) timeline.push({ ...e, peerId: p.id } as TimelineEvent);
      }
      for (const e of networkEventTimeline(scenario)) if (peers.some((p) => !p.ownLink)) timeline.push(e);
      timeline.sort((a, b) => a.tMs - b.tMs);
    };
    const toScenarioMs = (sfuMs: number) => Math.round(sfuMs + sfuOffsetMs);
    const joinedAt = new Map<string, number>();
    sfu.onEvent((e) => {
      if (e.kind === 'subscriber') timeline.push({ kind: 'sfu-subscriber', tMs: toScenarioMs(e.sample.tMs), sample: { ...e.sample, tMs: toScenarioMs(e.sample.tMs) } });
      else if (e.kind === 'publisher') timeline.push({ kind: 'sfu-publisher', tMs: toScenarioMs(e.sample.tMs), sample: { ...e.sample, tMs: toScenarioMs(e.sample.tMs) } });
      else if (e.kind === 'switch') timeline.push({ kind: 'layer-switch', tMs: toScenarioMs(e.event.tMs), change: { ...e.event, tMs: toScenarioMs(e.event.tMs) } });
      else if (e.kind === 'peer' && e.state === 'joined' && !joinedAt.has(e.peerId)) joinedAt.set(e.peerId, toScenarioMs(e.tMs));
      if (e.kind === 'path') timeline.push({ kind: 'connection', tMs: toScenarioMs(e.tMs), peerId: e.peerId, source: 'sfu', event: `path-${e.state}`, state: e.state, detail: `${e.silentMs} ms` });
      else if (e.kind === 'ice-restart') timeline.push({ kind: 'connection', tMs: toScenarioMs(e.tMs), peerId: e.peerId, source: 'sfu', event: 'sfu-ice-restart', detail: 'a description with new ICE credentials' });
      else if (e.kind === 'peer') timeline.push({ kind: 'connection', tMs: toScenarioMs(e.tMs), peerId: e.peerId, source: 'sfu', event: `peer-${e.state}`, detail: e.role });
    });

    const endPerfMs = originPerfMs + scenario.durationMs;
    // The end of what is measured: the scenario's end, or the moment it was interrupted.
    let endMs = scenario.durationMs;
    const deadlineMs = opts.deadlineMs ?? scenario.durationMs + (opts.slackMs ?? 45_000);
    const deadline = new Promise<never>((_, reject) => {
      deadlineTimer = setTimeout(() => reject(new Error(`live run over its hard deadline (${deadlineMs / 1000} s)`)), Math.max(0, originPerfMs + deadlineMs - performance.now()));
    });
    // Each subscriber receives every publisher's video; the fake camera plays the clip at its size.
    const pixelsEveryNth =
      opts.score?.pixelsEveryNth ??
      defaultPixelsEveryNth({ subscribers: call.subscribers.length * call.publishers.length, width: DEFAULT_CAPTURE.width, height: DEFAULT_CAPTURE.height, fps: DEFAULT_CAPTURE.frameRate });
    if (sink) opts.log?.info({ pixelsEveryNth }, 'frame capture: pixels of every nth displayed frame');
    live = (async () => {
      session = await startBrowserSession({
        signalingUrl: sfu.url,
        originEpochMs: performance.timeOrigin + originPerfMs,
        peers: peers.map((p) => ({ id: p.id, role: p.role, room: 'call', token: 'live', ...(p.codec ? { codec: p.codec } : {}), ...(iceRestart ? { iceRestart: { file: iceRestart.file, seed } } : {}), ...(sink ? { frameCapture: { pixels: p.role === 'subscriber', pixelsEveryNth } } : {}) })),
        fakeVideoFile: clip?.path,
        frameSinkUrl: sink?.url,
        onRecoveryEvent: (e) =>
          timeline.push({ kind: 'connection', tMs: e.tMs, peerId: e.peerId, source: 'page', event: e.kind, ...(e.state !== undefined ? { state: e.state } : {}), detail: e.detail, ...(e.startMs !== undefined ? { startMs: e.startMs } : {}) }),
        executablePath: opts.executablePath,
        callerHandlesSignals: opts.signal !== undefined,
        onBrowser: opts.onBrowser,
      });
      log?.info({ scenario: scenario.name, layer, bwe, startedAfterMs: Math.round(performance.now() - originPerfMs) }, 'live call started');
      while (performance.now() < endPerfMs && !stopped && !opts.signal?.aborted) {
        await sleep(Math.min(1000, endPerfMs - performance.now()), opts.signal);
        opts.onTick?.(Math.min(scenario.durationMs, performance.now() - originPerfMs), scenario.durationMs);
      }
      // Interrupted: everything below measures the call up to now.
      if (opts.signal?.aborted && performance.now() < endPerfMs) {
        endMs = Math.max(0, Math.round(performance.now() - originPerfMs));
        log?.warn({ scenario: scenario.name, atMs: endMs }, 'interrupted: the call ends here and is measured up to now');
      }
    })();
    live.catch(() => undefined); // the race below reports it
    await Promise.race([live, deadline]);
    clearTimeout(deadlineTimer);

    collect?.();
    // A scored run's figures (worst subscriber video), added to the metrics below.
    let scoreMetrics: Record<string, number> = {};
    if (sink && clip && (session as BrowserSession | null)) {
      // The pages stop first: their captures flush the last frames and counters to the sink.
      for (const p of [...call.subscribers, ...call.publishers]) await (session as unknown as BrowserSession).stopPeer(p.id).catch(() => undefined);
      const score = opts.score!;
      const scored = await scoreLiveCapture(sink, call.subscribers.map((p) => p.id), call.publishers.map((p) => p.id), {
        referencePath: clip.path,
        clipFrames: clip.frames,
        fps: clip.fps,
        scoreSize: score.scoreSize ?? { width: 640, height: 360 },
        everyNth: score.everyNth,
        vmafSubsample: score.vmafSubsample,
        modelPath: score.modelPath,
        endMs,
        // Each video's latency against its own publisher's camera (the getStats samples name it).
        publisherOf: publisherOfVideo(timeline),
      });
      timeline.push(...scored.events);
      timeline.sort((a, b) => a.tMs - b.tMs);
      scoreMetrics = liveScoreMetrics(scored.subscribers);
      for (const s of scored.subscribers) log?.info({ ...s }, 'scored what the subscriber saw');
    }

    const { metrics, detail } = liveMetrics({
      layers: call.layers,
      captureWidth: DEFAULT_CAPTURE.width,
      publishers: call.publishers.map((p) => ({ id: p.id, joinedAtMs: joinedAt.get(p.id) ?? null })),
      subscribers: call.subscribers.map((p) => ({ id: p.id, downCapacity: capacitySteps(peerScenario(scenario, p), 'down') })),
      timeline,
      endMs,
    });
    // MOS: G.107 E-model from delay and loss, VMAF-based video MOS when the run was scored (docs/scoring.md).
    Object.assign(metrics, liveMosMetrics(timeline), scoreMetrics);
    // Handovers: detection, restarts, media back on every subscriber, frozen time, ramp (harness/recovery).
    // Only with a policy: the pages then watch decoded frames (the gaps the figures come from).
    const outcomes = policy === null ? [] : handoverOutcomes(scenario, endMs, peers, call.subscribers.map((p) => p.id), timeline, (session as BrowserSession | null)?.samples ?? []);
    if (outcomes.length) {
      Object.assign(metrics, recoveryMetrics(outcomes.map((o) => o.outcome)));
      // Every handover x subscriber into results.json ('handover-outcome'), not only the worst in the metrics.
      timeline.push(...outcomes.map((o) => handoverOutcomeEvent(o.peerId, policyName, o.outcome)));
      timeline.sort((a, b) => a.tMs - b.tMs);
      for (const o of outcomes) log?.info({ policy: policyName, peer: o.peerId, ...o.outcome }, 'handover recovery');
    }
    for (const f of detail.follow) log?.info({ ...f, change: `${f.change.kind} to ${f.change.bps} bps at ${f.change.atMs} ms` }, 'layer follow');
    if ((metrics.relaySocketDrops ?? 0) > 0) log?.warn({ relaySocketDrops: metrics.relaySocketDrops }, "the relays' sockets dropped packets (a relay thread could not keep up): loss the scenario did not ask for");
    if ((metrics.sfuSocketDrops ?? 0) > 0) log?.warn({ sfuSocketDrops: metrics.sfuSocketDrops }, "the SFU's sockets dropped packets (the machine could not keep up): loss the scenario did not ask for");
    const pageErrors = (session as BrowserSession | null)?.errors ?? [];
    if (pageErrors.length) log?.warn({ errors: pageErrors.slice(0, 20) }, 'page errors during the live run');
    const names = [layer, ...(bwe !== null ? [bwe] : []), ...(policy !== null ? [policy] : []), ...(policyName !== null ? [policyName] : [])];
    // A simulated scenario run live (--mode live): its streaming and BWE-simulator expectations cannot apply.
    const expect = scenario.mode === 'live' ? scenario.expect : scenario.expect.filter((e) => !['streaming', 'bwe'].includes(metricInfo(e.metric)?.group ?? ''));
    out = result('ok', { metrics, expectations: evaluateExpectations(expect, names, metrics), timeline, ...(endMs < scenario.durationMs ? { interruptedAtMs: endMs } : {}), ...(metrics.p1203LiveMos !== undefined ? { models: { p1203: p1203Variant() } } : {}) });
  } catch (err) {
    try {
      collect?.();
    } catch {
      // keep what was collected before
    }
    out = result('crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err), timeline });
  } finally {
    clearTimeout(deadlineTimer);
    for (const t of signalTimers) clearTimeout(t);
    stopped = true;
    // A start still under way (the deadline hit it) ends within its own timeouts: wait for it, so a
    // browser it launches late is closed too.
    if (live) await (live as Promise<void>).catch(() => undefined);
    // Every part closes even if another fails: browsers first (they leave), then the SFU, then the links.
    await Promise.allSettled([(session as BrowserSession | null)?.close()]);
    await sfu.stop().catch(() => undefined);
    await Promise.allSettled([...relays.values()].map((r) => r.close()));
    await (sink as FrameSink | null)?.close().catch(() => undefined);
  }
  // The wall time of the whole run, teardown included.
  out.wallMs = performance.now() - wallStart;
  return out;
}

/** Each handover of each peer's link, its window up to that peer's next handover (or the end), on the scenario clock. */
function handoverOutcomes(scenario: Scenario, endMs: number, peers: readonly WebrtcPeerSpec[], subscribers: readonly string[], timeline: readonly TimelineEvent[], samples: readonly PeerStatsSample[]): { peerId: string; outcome: HandoverOutcome }[] {
  const events: RecoveryEventLike[] = [];
  const sfuPath: SfuPathEventLike[] = [];
  for (const e of timeline) {
    if (e.kind !== 'connection') continue;
    if (e.source === 'page') events.push({ tMs: e.tMs, peerId: e.peerId, kind: e.event, state: e.state, startMs: e.startMs });
    else if (e.event === 'path-dead' || e.event === 'path-alive') sfuPath.push({ kind: 'path', tMs: e.tMs, peerId: e.peerId, state: e.event === 'path-dead' ? 'dead' : 'alive' });
  }
  const out: { peerId: string; outcome: HandoverOutcome }[] = [];
  for (const p of peers) {
    const hs = peerScenario(scenario, p).events.filter((e) => e.type === 'handover');
    // Handovers the run did not reach (interrupted before them) are not measured.
    const reached = hs.filter((h) => h.atMs < endMs);
    reached.forEach((h, i) => {
      const w = { startMs: h.atMs, outageMs: h.outageMs, endMs: i + 1 < reached.length ? reached[i + 1].atMs : endMs, to: h.to };
      out.push({ peerId: p.id, outcome: handoverOutcome(w, p.id, subscribers, events, sfuPath, samples) });
    });
  }
  return out;
}

/** Resolves after ms, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal?.aborted) return r();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      r();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

function dirnameOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? process.cwd() : file.slice(0, i) || '/';
}
