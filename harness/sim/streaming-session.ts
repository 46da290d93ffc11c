// Virtual-time ABR streaming session over the link model, with the semantics of Sabre (Spiteri, Sitaraman,
// Sparacio, "From Theory to Practice: Improving Bitrate Adaptation in the DASH Reference Player", MMSys 2018;
// github.com/UMass-LIDS/sabre src/sabre.py). The whole loop is `simulateStreamingSession`, top to bottom.
// bench/sabre-compare.bench.ts checks it: netqoe's own rules run inside Sabre give the same bitrate,
// stalls, switches and startup (within 0.5%; exactly, once the last difference below is taken out).
//
// As in Sabre:
// - One request at a time. Each waits one round trip before its first byte (Sabre's latency_ms; a Sabre
//   trace run by `netqoe run --trace` keeps its latency entry by entry: quickScenario), then downloads at
//   the link's capacity (the capacity integral; a trace loops), with no other overhead.
// - Playback starts when the first segment is in (startupBufferMs, one segment by default; Sabre: always
//   one). The buffer drains 1 s per s; running dry is a stall, which ends when the buffer is back at
//   startupBufferMs or full (with one segment: as soon as the next segment arrives). Startup is not a stall.
// - Before a request, a buffer without room for one more segment waits until it has (Sabre's full_delay);
//   an ABR's delayMs (BOLA above its target) is waited out next, never past an empty buffer.
// - The ABR chooses every segment from the buffer and past downloads. Sabre asks its rules for the first
//   segment's rung apart (get_first_quality: 0 for its built-ins); netqoe asks choose(), and its bola and
//   throughput pick rung 0 there too.
// Deliberately different:
// - A throughput sample is bytes / (request to last byte), the round trip included (ThroughputSample).
//   Sabre's is bits / (first to last byte) with the latency kept apart, and its rules put the latency back
//   (latency + p x bitrate / tput <= p), which for a segment of the same size is bitrate <= netqoe's sample.
//   netqoe's ABR interface has no latency history, so the sample carries it.
// - With loss, a download is no faster than TCP's Mathis goodput of the loss in force while it runs,
//   integrated piece by piece (link/tcp.ts; Sabre has no loss). Gilbert-Elliott loss is sampled from the
//   seed into 200 ms granules and jitter adds to Mathis' RTT (link/tcp-loss-timeline.ts), so the seed,
//   bursts and jitter matter. Jitter and queueing do not delay the first byte (the base RTT does).
// - A handover with addressChange breaks the download in flight (its TCP connection): the partial segment
//   is lost and requested again when the new link is up, as soon as that (a real player first waits for
//   an error or a timeout). Without an address change a download pauses through the outage and goes on.
// - No abandonment of a started download (AbrAlgorithm has no such hook; Sabre's rules abandon unless run
//   with -noa) and no segment replacement.
// - The session stops at the scenario's duration; Sabre plays the whole video whatever the stalls.
// - A request whose latency straddles a change of RTT pays the RTT in force when it was made; Sabre blends
//   the two trace entries' latencies in proportion (the <0.5% above).
// Metrics (streaming-qoe.ts): avgBitrateKbps is the mean over segments = Sabre's "total played bitrate" /
// segments (Sabre's "time average played bitrate" also divides by the stall and startup time).

import type { AbrAlgorithm, AbrContext, LadderRung, ThroughputSample } from '../../algorithms/abr/types.ts';
import type { LinkModel } from '../link/types.ts';
import type { SimulatedLinkModel } from '../link/link-model.ts';
import { tcpTransferEndMs, type MathisTimeline } from '../link/tcp.ts';
import { tcpMathisTimeline } from '../link/tcp-loss-timeline.ts';
import { checkAbrDecision } from './abr-decision.ts';
import type { MediaSpec } from '../scenario/types.ts';
import type { TimelineEvent } from '../run/types.ts';

export interface StreamingSessionInput {
  link: SimulatedLinkModel;
  media: MediaSpec;
  abr: AbrAlgorithm;
  /** The module file of a user ABR, named when its decision is bad (abr-decision.ts). */
  abrFile?: string;
  /** The session ends here even if the video has not (the scenario's duration). */
  durationMs: number;
  /** TCP segment size for the loss-limited goodput model. */
  mssBytes?: number;
}

export interface StreamingSessionOutput {
  timeline: TimelineEvent[];
  /** Where the session stopped: end of video played out, or the scenario's end. */
  endMs: number;
  segmentsDownloaded: number;
}

/** Throughput samples the ABR sees (Sabre and dash.js keep a short window; 20 covers every built-in). */
const HISTORY_LENGTH = 20;

export function simulateStreamingSession(input: StreamingSessionInput): StreamingSessionOutput {
  const { link, media, abr, durationMs } = input;
  const mssBytes = input.mssBytes ?? 1448;
  const segmentMs = media.segmentDurationMs;
  const ladder: LadderRung[] = media.rungs.map((r) => ({ ...r }));
  const timeline: TimelineEvent[] = [];
  const history: ThroughputSample[] = [];
  const mathis = tcpMathisTimeline(link.down, link.up, { mssBytes, horizonMs: durationMs });

  let tMs = 0;
  let bufferMs = 0;
  let playing = false;
  let playbackStartMs: number | null = null;
  let stallStartMs: number | null = null;
  let lastQuality: number | null = null;
  let segmentsDownloaded = 0;

  const buffer = (at: number) => timeline.push({ kind: 'buffer', tMs: at, bufferS: bufferMs / 1000 });

  /** Let wall time pass while playing: the buffer drains; running dry starts a stall. */
  const advanceTo = (targetMs: number) => {
    const dtMs = targetMs - tMs;
    if (dtMs <= 0) return;
    if (playing && stallStartMs === null) {
      if (bufferMs > dtMs) {
        bufferMs -= dtMs;
      } else {
        const dryAtMs = tMs + bufferMs;
        bufferMs = 0;
        if (dryAtMs < targetMs) {
          stallStartMs = dryAtMs;
          timeline.push({ kind: 'buffer', tMs: dryAtMs, bufferS: 0 });
        }
      }
    }
    tMs = targetMs;
  };

  const endStall = (atMs: number) => {
    if (stallStartMs === null) return;
    timeline.push({ kind: 'stall', tMs: stallStartMs, durationMs: atMs - stallStartMs });
    stallStartMs = null;
  };

  for (let index = 0; index < media.segmentCount; index++) {
    // A full buffer waits (playing) until the next segment fits.
    const overflowMs = bufferMs + segmentMs - media.bufferMaxMs;
    if (overflowMs > 0 && playing) {
      buffer(tMs);
      advanceTo(Math.min(durationMs, tMs + overflowMs));
    }
    if (tMs >= durationMs) break;

    const state = link.down.stateAt(tMs);
    const rttMs = link.baseRttMsAt(tMs);
    const last = history[history.length - 1];
    const ctx: AbrContext = {
      tMs,
      segmentIndex: index,
      segmentCount: media.segmentCount,
      segmentDurationS: segmentMs / 1000,
      bufferS: bufferMs / 1000,
      bufferMaxS: media.bufferMaxMs / 1000,
      ladder,
      segmentSizesBits: (i) => media.segmentSizesBits[i],
      lastQuality,
      throughputHistory: history,
      // What a player can know: its own RTT and throughput, and the loss and jitter its transport reports.
      network: { rttMs, lossRate: state.lossRate, jitterMs: state.jitterMs, bandwidthBps: last?.bps },
      playing: playing && stallStartMs === null,
    };
    const decision = checkAbrDecision(abr.choose(ctx), ladder.length, index, { name: abr.name, file: input.abrFile });
    const quality = decision.quality;

    if (decision.delayMs && decision.delayMs > 0 && playing && stallStartMs === null) {
      // The algorithm asked to wait (BOLA above its target): never longer than the buffer lasts.
      buffer(tMs);
      advanceTo(Math.min(durationMs, tMs + Math.min(decision.delayMs, bufferMs)));
      if (tMs >= durationMs) break;
    }

    const requestMs = tMs;
    const bits = media.segmentSizesBits[index][quality];
    const bytes = Math.ceil(bits / 8);
    // A handover that changes the client's address breaks the download's TCP connection: what had arrived
    // is lost and the player asks again once the new link is up (then pays a new round trip).
    let attemptMs = requestMs;
    let arrivalMs = downloadFinishMs(link, attemptMs, bytes, mathis);
    for (let k = 0; k < link.handovers.length; k++) {
      const h = link.handovers[k];
      if (!h.addressChange || h.atMs < attemptMs || h.atMs >= arrivalMs) continue;
      attemptMs = h.atMs + h.outageMs;
      arrivalMs = downloadFinishMs(link, attemptMs, bytes, mathis);
    }
    buffer(requestMs);

    if (arrivalMs >= durationMs) {
      advanceTo(durationMs);
      break;
    }
    advanceTo(arrivalMs);
    // The low point, just before the segment lands (the chart draws straight lines between points, so
    // without it a near-stall would look like a buffer that never went below the level at the request).
    buffer(arrivalMs);

    bufferMs += segmentMs;
    segmentsDownloaded++;
    // Enough to play, at startup and after a stall: the startup amount (one segment by default, as in
    // Sabre), or a buffer without room for another segment, or the whole video.
    const ready = bufferMs >= media.startupBufferMs || bufferMs + segmentMs > media.bufferMaxMs || index === media.segmentCount - 1;
    if (ready) endStall(arrivalMs);
    const downloadMs = arrivalMs - requestMs;
    // The ABR's sample is the request that delivered the segment (a broken one delivered nothing).
    const sampleMs = arrivalMs - attemptMs;
    history.push({ tMs: arrivalMs, bytes, durationMs: sampleMs, bps: (bytes * 8000) / Math.max(sampleMs, 1e-3) });
    if (history.length > HISTORY_LENGTH) history.shift();
    timeline.push({
      kind: 'segment',
      tMs: requestMs,
      index,
      quality,
      bitrateBps: ladder[quality].bitrateBps,
      bytes,
      downloadMs,
      bufferS: bufferMs / 1000,
      reason: decision.reason,
    });
    buffer(arrivalMs);
    lastQuality = quality;

    if (!playing && ready) {
      playing = true;
      playbackStartMs = arrivalMs;
      timeline.push({ kind: 'playback', tMs: arrivalMs, state: 'start' });
    }
  }

  // Play out what is left of the buffer (or until the scenario ends).
  if (playing && stallStartMs === null) {
    const endMs = Math.min(durationMs, tMs + bufferMs);
    advanceTo(endMs);
    buffer(endMs);
    if (segmentsDownloaded === media.segmentCount && bufferMs === 0) {
      timeline.push({ kind: 'playback', tMs: endMs, state: 'end' });
    }
  } else {
    advanceTo(durationMs);
  }
  // A stall still running when the scenario ends is counted up to the end.
  endStall(tMs);
  if (playbackStartMs === null) {
    // Never started: the whole session was startup; the metrics report it as such.
  }
  timeline.sort((a, b) => a.tMs - b.tMs);
  return { timeline, endMs: tMs, segmentsDownloaded };
}

/**
 * When the last byte of a `bytes` download requested at requestMs arrives: one round trip before the
 * first byte, then the link's capacity, but no faster than TCP's loss-limited goodput (Mathis) of the loss
 * in force at each moment of the transfer (tcp.ts; `mathis` from tcpMathisTimeline of the same link).
 */
export function downloadFinishMs(link: LinkModel, requestMs: number, bytes: number, mathis: MathisTimeline): number {
  const firstByteMs = requestMs + link.baseRttMsAt(requestMs);
  return tcpTransferEndMs(link.down, mathis, firstByteMs, bytes);
}
