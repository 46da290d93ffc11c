// A virtual-time stand-in for one SFU subscriber: the SFU side as harness/sfu/subscriber.ts does it
// (forward the chosen layer's frames, pad every 20 ms up to the estimator's probeBps (harness/sfu/probe-pacer.ts) with 267-byte
// packets, at most 32 per tick, run the layer selector every 100 ms, switch at the target layer's
// next keyframe), the scenario's link model downstream, and a Chrome-like receiver (TWCC feedback
// every 50 ms from the lowest unreported packet to the highest arrived, RR every 1 s). Used to test
// the BWE adapter in a closed loop without a browser.
import { createHighestFitSelector } from '../../algorithms/layer/highest-fit.ts';
import type { LayerSelector, SimulcastLayer } from '../../algorithms/layer/types.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { Scenario } from '../../harness/scenario/types.ts';
import type { DownlinkEstimator } from '../../harness/sfu/downlink-estimator.ts';
import { ProbePacer } from '../../harness/sfu/probe-pacer.ts';

export interface LoopLayer {
  rid: string;
  bps: number;
}

export interface LoopOptions {
  scenario: Scenario;
  estimator: DownlinkEstimator;
  layers: readonly LoopLayer[];
  selector?: LayerSelector;
  /** From the selector's decision to the target layer's keyframe. Default 200 ms. */
  keyframeDelayMs?: number;
  feedbackIntervalMs?: number;
  fps?: number;
}

export interface LoopSample {
  tMs: number;
  estimateBps: number;
  reason: string;
  layer: string;
  capacityBps: number;
  sentBps: number;
  receivedBps: number;
  queueDelayMs: number;
}

export interface LoopResult {
  samples: LoopSample[];
  switches: { tMs: number; from: string; to: string; reason: string }[];
  paddingBytes: number;
  mediaBytes: number;
  lost: number;
}

const TICK_MS = 20;
const PAD_BYTES = 12 + 255;
const MAX_PAD_PER_TICK = 32;
const BURST_BYTES = 32 * 267;

export function runDownlinkLoop(opts: LoopOptions): LoopResult {
  const link = buildLinkModel(opts.scenario);
  const down = link.down;
  const upDelayMs = opts.scenario.network[0].up.delayMs;
  const est = opts.estimator;
  const selector = opts.selector ?? createHighestFitSelector();
  const fps = opts.fps ?? 30;
  const keyframeDelayMs = opts.keyframeDelayMs ?? 200;
  const fbIntervalMs = opts.feedbackIntervalMs ?? 50;
  const layers: SimulcastLayer[] = opts.layers.map((l, i) => ({ rid: l.rid, width: 320 << i, height: 180 << i, maxBitrateBps: l.bps * 2, measuredBitrateBps: l.bps, active: true }));

  let seq16 = 0;
  let sentCount = 0;
  const arrivals: { seq: number; atMs: number; bytes: number }[] = []; // sorted by arrival
  let arrHead = 0;
  const received = new Map<number, number>(); // seq -> arrival ms, not yet reported
  let lowestUnreported = 0;
  let highestArrived = -1;
  const inbox: { atMs: number; f: Parameters<DownlinkEstimator['onFeedback']>[0] }[] = [];
  let current = null as number | null;
  let pending = null as { layer: number; atMs: number } | null;
  let lastReason = '';
  const pacer = new ProbePacer({ maxCreditBytes: BURST_BYTES, tickMs: TICK_MS });
  let paddingBytes = 0;
  let mediaBytes = 0;
  let lost = 0;
  let expectedSinceRr = 0;
  let receivedSinceRr = 0;
  const samples: LoopSample[] = [];
  const switches: LoopResult['switches'] = [];
  let sentWin = 0;
  let recvWin = 0;
  let qSum = 0;
  let qN = 0;

  const send = (bytes: number, t: number, probe: boolean): void => {
    const seq = sentCount++;
    const s16 = seq16;
    seq16 = (seq16 + 1) & 0xffff;
    est.onSent({ bytes, tMs: t, transportSeq: s16, probe });
    if (!probe) pacer.onMedia(bytes);
    sentWin += bytes;
    if (probe) paddingBytes += bytes;
    else mediaBytes += bytes;
    const r = down.send({ bytes, id: seq }, t);
    if ('dropped' in r) {
      lost++;
      return;
    }
    qSum += r.queueDelayMs;
    qN++;
    let i = arrivals.length;
    while (i > arrHead && arrivals[i - 1].atMs > r.deliveredAtMs) i--;
    arrivals.splice(i, 0, { seq, atMs: r.deliveredAtMs, bytes });
  };

  for (let t = 0; t < opts.scenario.durationMs; t++) {
    // Arrivals at the receiver.
    while (arrHead < arrivals.length && arrivals[arrHead].atMs <= t) {
      const a = arrivals[arrHead++];
      received.set(a.seq, a.atMs);
      highestArrived = Math.max(highestArrived, a.seq);
      receivedSinceRr++;
      recvWin += a.bytes;
    }
    // Feedback reaching the SFU.
    while (inbox.length > 0 && inbox[0].atMs <= t) est.onFeedback(inbox.shift()!.f);
    // Receiver: TWCC.
    if (t % fbIntervalMs === 0 && highestArrived >= lowestUnreported) {
      const packets: { transportSeq: number; receivedAtUs: number | null }[] = [];
      for (let s = lowestUnreported; s <= highestArrived; s++) {
        const at = received.get(s);
        received.delete(s);
        packets.push({ transportSeq: s & 0xffff, receivedAtUs: at === undefined ? null : Math.round((at + 1000) * 4) * 250 });
      }
      expectedSinceRr += highestArrived + 1 - lowestUnreported;
      lowestUnreported = highestArrived + 1;
      inbox.push({ atMs: t + upDelayMs, f: { kind: 'twcc', tMs: t + upDelayMs, packets } });
    }
    if (t % 1000 === 500) {
      const fractionLost = expectedSinceRr > 0 ? Math.max(0, 1 - receivedSinceRr / expectedSinceRr) : 0;
      inbox.push({ atMs: t + upDelayMs, f: { kind: 'receiver-report', tMs: t + upDelayMs, fractionLost, cumulativeLost: lost, jitterMs: 2, rttMs: 2 * upDelayMs } });
      expectedSinceRr = 0;
      receivedSinceRr = 0;
    }
    // Selector every 100 ms.
    if (t % 100 === 0) {
      const e = est.estimate(t);
      const d = selector.choose({ tMs: t, estimateBps: e.bps, layers, currentLayer: pending?.layer ?? current, network: est.stats() });
      lastReason = d.reason;
      const target = d.layer;
      if (target !== (pending?.layer ?? current)) pending = target === current ? null : { layer: target, atMs: t + keyframeDelayMs };
    }
    if (pending && t >= pending.atMs) {
      switches.push({ tMs: t, from: current === null ? '-' : layers[current].rid, to: layers[pending.layer].rid, reason: lastReason });
      current = pending.layer;
      pending = null;
    }
    // Media: one frame of the current layer.
    if (current !== null && Math.floor((t * fps) / 1000) !== Math.floor(((t - 1) * fps) / 1000)) {
      let frame = Math.round(layers[current].measuredBitrateBps / fps / 8);
      while (frame > 0) {
        const b = Math.min(1200, frame);
        send(b + 12, t, false);
        frame -= b;
      }
    }
    // Padding tick.
    if (t % TICK_MS === 0) {
      let credit = pacer.tick(t, est.probeBps?.(t) ?? 0);
      for (let i = 0; i < MAX_PAD_PER_TICK && credit > 0 && current !== null; i++) {
        send(PAD_BYTES, t, true);
        credit = pacer.spend(PAD_BYTES);
      }
    }
    if (t % 1000 === 999) {
      const e = est.estimate(t);
      samples.push({
        tMs: t - 999,
        estimateBps: e.bps,
        reason: e.reason,
        layer: current === null ? '-' : layers[current].rid,
        capacityBps: down.capacityBpsAt(t - 500),
        sentBps: sentWin * 8,
        receivedBps: recvWin * 8,
        queueDelayMs: qN > 0 ? qSum / qN : 0,
      });
      sentWin = 0;
      recvWin = 0;
      qSum = 0;
      qN = 0;
    }
  }
  return { samples, switches, paddingBytes, mediaBytes, lost };
}
