// The packet-level BWE simulator: one sender with a pluggable estimator, one receiver, the scenario's
// link model in between, on a virtual clock. The whole session loop is below, top to bottom.
//
//   sender ──media (paced at the target)──► link[direction] ──► receiver
//     ▲                                                            │
//     └──── feedback (TWCC every 50-250 ms, RR every 1 s) ◄── link[reverse] ◄┘
//
// Every event happens at an exact virtual time; the loop always handles the earliest one next.

import { gccBwe } from '../../algorithms/bwe/gcc/gcc.ts';
import type { BandwidthEstimator, BweContext, BweDecision, BweFactory, PacketResult, ReceiverReport } from '../../algorithms/bwe/types.ts';
import { buildLinkModel } from '../link/link-model.ts';
import type { Scenario } from '../scenario/types.ts';
import { Receiver } from './receiver.ts';
import { Pacer, packetizeFrame } from './sender.ts';
import type { BweDecisionRecord, BwePacketRecord, BweSample, BweSimOptions, BweSimResult } from './types.ts';

/** A feedback message on its way back to the sender. */
interface InboxItem {
  arrivalMs: number;
  /** When the receiver sent it (for the feedback-based RTT). */
  sentMs: number;
  packets: PacketResult[];
  report?: ReceiverReport;
}

const FEEDBACK_OVERHEAD_BYTES = 48; // IP + UDP + SRTCP + TWCC header
const FEEDBACK_BYTES_PER_PACKET = 2; // one status chunk symbol and a small delta, on average
const REPORT_BYTES = 80; // an RTCP compound packet with one report block

/**
 * libwebrtc's receiver (RemoteEstimatorProxy) spaces TWCC feedback so that it costs about 5% of the
 * received rate, within 50..250 ms: at any video rate above ~110 kbps that is every 50 ms.
 */
export function twccIntervalMs(results: readonly PacketResult[] | null, lastIntervalMs: number): number {
  const TWCC_REPORT_BYTES = 68;
  let bytes = 0;
  for (const p of results ?? []) if (p.arrivalTimeMs !== null) bytes += p.bytes;
  const receivedBps = (bytes * 8000) / lastIntervalMs;
  if (receivedBps <= 0) return 250;
  return Math.min(250, Math.max(50, (TWCC_REPORT_BYTES * 8 * 1000) / (0.05 * receivedBps)));
}

export function simulateBwe(scenario: Scenario, factory: BweFactory, opts: BweSimOptions = {}): BweSimResult {
  // --- setup ---------------------------------------------------------------------------------
  const seed = opts.seed ?? scenario.seed;
  const direction = opts.direction ?? 'down';
  const sampleMs = opts.sampleMs ?? 100;
  const fixedFeedbackIntervalMs = opts.feedbackIntervalMs;
  const reportIntervalMs = opts.reportIntervalMs ?? 1000;
  const fps = opts.fps ?? 30;
  const maxPacketBytes = opts.maxPacketBytes ?? 1200;
  const pacingFactor = opts.pacingFactor ?? 2.5;
  const durationMs = scenario.durationMs;

  const link = buildLinkModel(scenario, { seed });
  const forward = direction === 'down' ? link.down : link.up;
  const reverse = direction === 'down' ? link.up : link.down;
  const estimator: BandwidthEstimator = factory.create({ startBps: opts.startBps });
  // A cap (seed rules) rides on a transport estimate, as maxBitrate rides on Chrome's own controller.
  const transport: BandwidthEstimator | null =
    estimator.applies === 'maxBitrate' ? (opts.transport ?? gccBwe).create({ startBps: opts.startBps }) : null;

  const pacer = new Pacer();
  const receiver = new Receiver();
  const inbox: InboxItem[] = [];
  const packets: BwePacketRecord[] = [];
  const decisions: BweDecisionRecord[] = [];

  const windows = Math.ceil(durationMs / sampleMs);
  const sentBytes = new Float64Array(windows);
  const deliveredBytes = new Float64Array(windows);
  const offered = new Float64Array(windows);
  const droppedCount = new Float64Array(windows);
  const queueDelaySum = new Float64Array(windows);
  const targetAtEnd = new Float64Array(windows);
  const estimateAtEnd = new Float64Array(windows);
  const reasonAtEnd: string[] = new Array(windows).fill('');

  let targetBps = 0; // what the sender sends at: the estimator's target, or min(transport, cap)
  let estimateBps = 0;
  let reason = '';
  let rttMs: number | undefined;
  let latestReport: ReceiverReport | undefined;
  let lastDecideMs = -Infinity;
  let sequence = 0;
  let feedbackSent = 0;
  let feedbackLost = 0;

  /** Ask the estimator (and the transport under a cap), then honour any probe requests. */
  const decide = (tMs: number, fbPackets: PacketResult[], report: ReceiverReport | undefined): void => {
    const ctx: BweContext = {
      tMs,
      packets: fbPackets,
      ...(report ? { report } : {}),
      ...(rttMs !== undefined ? { rttMs } : {}),
      ...(latestReport?.jitterMs !== undefined ? { inboundJitterMs: latestReport.jitterMs } : {}),
    };
    let transportDecision: BweDecision | null = null;
    if (transport) transportDecision = transport.decide(ctx);
    const d = estimator.decide(transportDecision ? { ...ctx, availableOutgoingBitrateBps: transportDecision.targetBps } : ctx);
    if (!(Number.isFinite(d.targetBps) && d.targetBps > 0)) {
      throw new Error(`${estimator.name}: decided a target of ${d.targetBps} bit/s at ${tMs} ms (must be finite and > 0): ${d.reason}`);
    }
    estimateBps = d.targetBps;
    targetBps = transportDecision ? Math.min(transportDecision.targetBps, d.targetBps) : d.targetBps;
    const newReason = transportDecision && transportDecision.targetBps < d.targetBps ? `${d.reason} [transport: ${transportDecision.reason}]` : d.reason;
    if (newReason !== reason || decisions.length === 0 || decisions[decisions.length - 1].targetBps !== targetBps) {
      decisions.push({ tMs, targetBps, reason: newReason });
    }
    reason = newReason;
    for (const probe of [...(transportDecision?.probes ?? []), ...(d.probes ?? [])]) {
      pacer.enqueueProbe(probe, tMs, maxPacketBytes);
      pacer.wake(tMs);
    }
    lastDecideMs = tMs;
  };

  /** The receiver's message goes back over the reverse link (where it can be delayed or lost). */
  const sendBack = (tMs: number, bytes: number, item: Omit<InboxItem, 'arrivalMs' | 'sentMs'>): void => {
    feedbackSent++;
    const r = reverse.send({ bytes, id: feedbackSent }, tMs);
    if ('dropped' in r) {
      feedbackLost++;
      return;
    }
    const msg: InboxItem = { arrivalMs: r.deliveredAtMs, sentMs: tMs, ...item };
    let i = inbox.length;
    while (i > 0 && inbox[i - 1].arrivalMs > msg.arrivalMs) i--;
    inbox.splice(i, 0, msg);
  };

  // --- the session loop ----------------------------------------------------------------------
  decide(0, [], undefined);
  let nextFrameMs = 0;
  let frameIndex = 0;
  let feedbackIntervalMs = fixedFeedbackIntervalMs ?? 100;
  let nextFeedbackMs = feedbackIntervalMs;
  let nextReportMs = reportIntervalMs;
  let nextTickMs = sampleMs;

  for (;;) {
    const inboxMs = inbox.length > 0 ? inbox[0].arrivalMs : Infinity;
    const t = Math.min(inboxMs, nextFeedbackMs, nextReportMs, nextFrameMs, pacer.nextSendMs(), nextTickMs);
    if (t >= durationMs) break;

    if (t === inboxMs) {
      // (1) Feedback reaches the sender: measure the RTT on its newest packet, then decide.
      const msg = inbox.shift()!;
      const newest = msg.packets.reduce<PacketResult | null>((a, p) => (p.arrivalTimeMs !== null && (a === null || p.sequence > a.sequence) ? p : a), null);
      if (newest && newest.arrivalTimeMs !== null) rttMs = t - newest.sendTimeMs - (msg.sentMs - newest.arrivalTimeMs);
      if (msg.report) latestReport = { ...msg.report, ...(rttMs !== undefined ? { rttMs } : {}) };
      decide(t, msg.packets, msg.report ? latestReport : undefined);
    } else if (t === nextFeedbackMs) {
      // (2) The receiver sends per-packet feedback for what arrived since the last one.
      receiver.receiveUntil(t);
      const results = receiver.takeFeedback();
      if (results) sendBack(t, FEEDBACK_OVERHEAD_BYTES + FEEDBACK_BYTES_PER_PACKET * results.length, { packets: results });
      if (fixedFeedbackIntervalMs === undefined) feedbackIntervalMs = twccIntervalMs(results, feedbackIntervalMs);
      nextFeedbackMs += feedbackIntervalMs;
    } else if (t === nextReportMs) {
      // (3) The receiver sends a receiver report.
      receiver.receiveUntil(t);
      sendBack(t, REPORT_BYTES, { packets: [], report: receiver.takeReport(reportIntervalMs) });
      nextReportMs += reportIntervalMs;
    } else if (t === nextFrameMs) {
      // (4) The encoder produces a frame sized for the current target; the pacer queues its packets.
      pacer.enqueueFrame(packetizeFrame(targetBps / fps / 8, maxPacketBytes), t);
      pacer.wake(t);
      frameIndex++;
      nextFrameMs = (frameIndex * 1000) / fps;
    } else if (t === pacer.nextSendMs()) {
      // (5) The pacer sends one packet into the link; the link model says when (or whether) it arrives.
      const p = pacer.pop(t, pacingFactor * targetBps);
      const seq = sequence++;
      const w = Math.floor(t / sampleMs);
      sentBytes[w] += p.bytes;
      offered[w]++;
      const r = forward.send({ bytes: p.bytes, id: seq }, t);
      if ('dropped' in r) {
        droppedCount[w]++;
        receiver.lost(seq, t, p.bytes, p.probe?.clusterId);
        packets.push({ sequence: seq, sendMs: t, bytes: p.bytes, arrivalMs: null, queueDelayMs: null, probe: !!p.probe });
      } else {
        queueDelaySum[w] += r.queueDelayMs;
        const aw = Math.floor(r.deliveredAtMs / sampleMs);
        if (aw < windows) deliveredBytes[aw] += p.bytes;
        receiver.expect({ sequence: seq, sendMs: t, arrivalMs: r.deliveredAtMs, bytes: p.bytes, captureMs: p.captureMs, ...(p.probe ? { probeClusterId: p.probe.clusterId } : {}) });
        packets.push({ sequence: seq, sendMs: t, bytes: p.bytes, arrivalMs: r.deliveredAtMs, queueDelayMs: r.queueDelayMs, probe: !!p.probe });
      }
    } else {
      // (6) Tick: decide even without feedback (an outage must not freeze time-based rules), then sample.
      if (t - lastDecideMs >= sampleMs) decide(t, [], undefined);
      const w = Math.round(t / sampleMs) - 1;
      targetAtEnd[w] = targetBps;
      estimateAtEnd[w] = estimateBps;
      reasonAtEnd[w] = reason;
      nextTickMs += sampleMs;
    }
  }
  // The last window ends with the run.
  if (windows > 0 && reasonAtEnd[windows - 1] === '') {
    targetAtEnd[windows - 1] = targetBps;
    estimateAtEnd[windows - 1] = estimateBps;
    reasonAtEnd[windows - 1] = reason;
  }

  // --- output --------------------------------------------------------------------------------
  const samples: BweSample[] = [];
  for (let w = 0; w < windows; w++) {
    const t0 = w * sampleMs;
    const t1 = Math.min(durationMs, t0 + sampleMs);
    const spanMs = t1 - t0;
    const accepted = offered[w] - droppedCount[w];
    samples.push({
      tMs: t0,
      capacityBps: (forward.deliverableBytes(t0, t1) * 8000) / spanMs,
      targetBps: targetAtEnd[w],
      estimateBps: estimateAtEnd[w],
      sentBps: (sentBytes[w] * 8000) / spanMs,
      deliveredBps: (deliveredBytes[w] * 8000) / spanMs,
      queueDelayMs: accepted > 0 ? queueDelaySum[w] / accepted : 0,
      lossRate: offered[w] > 0 ? droppedCount[w] / offered[w] : 0,
      reason: reasonAtEnd[w],
    });
  }
  return {
    durationMs,
    direction,
    estimator: estimator.name,
    samples,
    packets,
    decisions,
    capacityBytes: forward.deliverableBytes(0, durationMs),
    feedbackSent,
    feedbackLost,
  };
}
