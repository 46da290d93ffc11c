// A stand-in for a live SFU run's timeline (harness/run/types.ts live kinds), for report tests: one
// publisher (l/m/h), two subscribers, 40 s; s2's downlink drops from 5 Mbps to 600 kbps at 15 s and
// comes back at 27 s. The SFU side is a toy: the estimate follows the capacity with a lag, the layer is
// the highest that fits in 0.9 x the estimate, a switch lands 150 ms after the decision.
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import type { ResultsFile, RunResult, TimelineEvent } from '../../harness/run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';

export const LIVE_SCENARIO = {
  name: 'synthetic-live-drop',
  file: 'test/helpers/synthetic-live-run.ts',
  description: "one publisher, two subscribers; s2's downlink 5 Mbps -> 600 kbps at 15 s -> 5 Mbps at 27 s",
  durationMs: 40_000,
  seed: 5,
};

export const LIVE_LAYERS = [
  { rid: 'l', bps: 150_000 },
  { rid: 'm', bps: 400_000 },
  { rid: 'h', bps: 800_000 },
];
export const DROP_MS = 15_000;
export const RETURN_MS = 27_000;

export function liveCapacityAt(peerId: string, tMs: number): number {
  return peerId === 's2' && tMs >= DROP_MS && tMs < RETURN_MS ? 600_000 : 5_000_000;
}

function outbound(rid: string, bps: number) {
  return {
    rid,
    ssrc: 1000 + rid.charCodeAt(0),
    bitrateBps: bps,
    active: true,
    framesEncoded: 0,
    framesPerSecond: 30,
    keyFramesEncoded: 1,
    frameWidth: rid === 'h' ? 1280 : rid === 'm' ? 640 : 320,
    frameHeight: rid === 'h' ? 720 : rid === 'm' ? 360 : 180,
    qualityLimitationReason: 'none',
    targetBitrateBps: bps,
    packetsSent: 0,
    retransmittedPacketsSent: 0,
    nackCount: 0,
    pliCount: 0,
    firCount: 0,
    encoderImplementation: 'libvpx',
  };
}

function inbound(bps: number, frames: number, width: number) {
  return {
    mid: '0',
    publisherId: 'pub',
    ssrc: 42,
    bitrateBps: bps,
    framesReceived: frames,
    framesDecoded: frames,
    framesDropped: 0,
    keyFramesDecoded: 1,
    framesPerSecond: 30,
    frameWidth: width,
    frameHeight: (width * 9) / 16,
    freezeCount: 0,
    totalFreezesDurationS: 0,
    jitterMs: 2,
    jitterBufferDelayMs: 40,
    packetsReceived: frames * 3,
    packetsLost: 0,
    nackCount: 0,
    pliCount: 0,
    firCount: 0,
    decoderImplementation: 'libvpx',
  };
}

export function syntheticLiveTimeline(): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  const state = new Map<string, { estimate: number; layer: number; decidedAt: number | null; target: number }>();
  for (const s of ['s1', 's2']) state.set(s, { estimate: 300_000, layer: 0, decidedAt: null, target: 0 });
  for (let tMs = 0; tMs < LIVE_SCENARIO.durationMs; tMs += 100) {
    for (const [sid, st] of state) {
      const cap = liveCapacityAt(sid, tMs);
      // Down fast (an overuse), up slowly (probing).
      st.estimate = cap < st.estimate ? 0.85 * cap : Math.min(cap, st.estimate * 1.04);
      let fit = 0;
      LIVE_LAYERS.forEach((l, i) => {
        if (l.bps <= 0.9 * st.estimate) fit = i;
      });
      if (fit !== st.target) {
        st.target = fit;
        st.decidedAt = tMs;
      }
      if (st.decidedAt !== null && tMs - st.decidedAt >= 150 && st.layer !== st.target) {
        timeline.push({
          kind: 'layer-switch',
          tMs,
          change: {
            tMs,
            room: 'room',
            subscriberId: sid,
            publisherId: 'pub',
            from: LIVE_LAYERS[st.layer].rid,
            to: LIVE_LAYERS[st.target].rid,
            waitedMs: tMs - st.decidedAt,
            atKeyframe: true,
            reason: `estimate ${Math.round(st.estimate / 1000)} kbps x0.9 -> ${LIVE_LAYERS[st.target].rid}`,
          },
        });
        st.layer = st.target;
        st.decidedAt = null;
      }
      if (tMs % 1000 === 0) {
        const layer = LIVE_LAYERS[st.layer];
        timeline.push({
          kind: 'sfu-subscriber',
          tMs,
          sample: {
            tMs,
            room: 'room',
            subscriberId: sid,
            publisherId: 'pub',
            estimateBps: Math.round(st.estimate),
            estimateReason: `delay-based ${Math.round(st.estimate / 1000)} kbps (capacity ${cap / 1000} kbps)`,
            layer: layer.rid,
            pendingLayer: st.decidedAt !== null ? LIVE_LAYERS[st.target].rid : null,
            reason: `estimate x0.9 -> ${layer.rid}`,
            forwardedBps: layer.bps,
          },
        });
        const peer: PeerStatsSample = {
          tMs,
          peerId: sid,
          role: 'subscriber',
          connectionState: 'connected',
          outbound: [],
          inbound: [inbound(Math.min(layer.bps, cap), tMs / 33, layer.rid === 'h' ? 1280 : layer.rid === 'm' ? 640 : 320)],
          candidatePair: { currentRoundTripTimeMs: 40, availableOutgoingBitrateBps: null, availableIncomingBitrateBps: null, localAddress: null, remoteAddress: null },
        };
        timeline.push({ kind: 'peer', tMs, sample: peer });
        if (tMs > 0) timeline.push({ kind: 'relay', peerId: sid, tMs, windowMs: 1000, direction: 'down', phase: cap < 5e6 ? 'drop' : 'broadband', inOutage: false, capacityBps: liveCapacityAt(sid, tMs - 500), inBps: layer.bps, deliveredBps: Math.min(layer.bps, cap), packetsIn: 100, packetsDelivered: 100, droppedQueue: 0, droppedLoss: 0, droppedOutage: 0, queueDelayP50Ms: 1, queueDelayP95Ms: 2, queueDelayP99Ms: 3, schedErrorP50Ms: 0, schedErrorP99Ms: 0.1 });
      }
    }
    if (tMs % 1000 === 0) {
      const ramp = Math.min(1, tMs / 4000);
      timeline.push({
        kind: 'peer',
        tMs,
        sample: {
          tMs,
          peerId: 'pub',
          role: 'publisher',
          connectionState: 'connected',
          outbound: LIVE_LAYERS.map((l) => outbound(l.rid, Math.round(l.bps * ramp))),
          inbound: [],
          candidatePair: { currentRoundTripTimeMs: 40, availableOutgoingBitrateBps: Math.round(300_000 + 2_700_000 * ramp), availableIncomingBitrateBps: null, localAddress: null, remoteAddress: null },
        },
      });
      timeline.push({
        kind: 'sfu-publisher',
        tMs,
        sample: { tMs, room: 'room', publisherId: 'pub', layers: LIVE_LAYERS.map((l) => ({ rid: l.rid, ssrc: 7, bitrateBps: Math.round(l.bps * ramp), active: true, keyframes: 1 })), rembBps: 3_000_000, rembReason: 'ramp' },
      });
      if (tMs > 0) timeline.push({ kind: 'relay', peerId: 'pub', tMs, windowMs: 1000, direction: 'up', phase: 'broadband', inOutage: false, capacityBps: 5_000_000, inBps: 1_300_000, deliveredBps: 1_300_000, packetsIn: 200, packetsDelivered: 200, droppedQueue: 0, droppedLoss: 0, droppedOutage: 0, queueDelayP50Ms: 1, queueDelayP95Ms: 2, queueDelayP99Ms: 3, schedErrorP50Ms: 0, schedErrorP99Ms: 0.1 });
    }
  }
  timeline.push({ kind: 'network', tMs: DROP_MS, type: 'capacityStep', durationMs: RETURN_MS - DROP_MS, detail: 'down 600 kbps', peerId: 's2' });
  return timeline.sort((a, b) => a.tMs - b.tMs);
}

export function syntheticLiveResults(): ResultsFile {
  const run: RunResult = {
    scenario: LIVE_SCENARIO.name,
    scenarioFile: LIVE_SCENARIO.file,
    mode: 'live',
    seed: LIVE_SCENARIO.seed,
    algorithms: { layer: 'highest-fit', bwe: 'gcc' },
    status: 'ok',
    metrics: {},
    expectations: [],
    timeline: syntheticLiveTimeline(),
    wallMs: 41_000,
  };
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'netqoe', version: '0.1.0-test' },
    createdAt: '2025-01-02T03:04:05.678Z',
    command: `netqoe run ${LIVE_SCENARIO.file} --mode live`,
    scenarios: [{ ...LIVE_SCENARIO }],
    runs: [run],
  };
}
