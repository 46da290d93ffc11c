// A stand-in for a scored live run (issue 7 timeline kinds): two subscribers (optionally one of two publishers), 40 s, VMAF/PSNR/SSIM per second,
// a 1 s outage at 20 s that freezes sub-b and drops its scores, glass-to-glass latency per second. The metrics
// are computed by the real MOS code (liveMosMetrics), not written in.
import { liveMosMetrics } from '../../harness/metrics/mos/live-mos.ts';
import { vmafMos } from '../../harness/metrics/mos/vmaf-mos.ts';
import type { ResultsFile, RunResult, TimelineEvent } from '../../harness/run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';

export const SCORED_SCENARIO = {
  name: 'synthetic-scored-call',
  file: 'test/helpers/synthetic-scored-run.ts',
  description: 'two subscribers, a 1 s outage at 20 s on sub-b',
  durationMs: 40_000,
  seed: 3,
};

export interface ScoredRunOptions {
  /** No libvmaf: vmaf null in every second; the 'score-summary' events say why (this reason). */
  withoutVmaf?: boolean;
  vmafMissing?: string;
  /**
   * 'frame-thumbnail' events for sub-b's moments at 8 s, 20 s (frozen: frame 590 held, 620 due) and 23 s, with
   * these JPEG data: URIs (the caller encodes them: jpeg-thumbnail.ts needs ffmpeg).
   */
  thumbnails?: { reference: string; received: string };
  /**
   * sub-a also sees a second publisher's video (label '1'): VMAF ~70, a 700 ms freeze at 10 s, 200 ms
   * glass-to-glass; with `publishers`, sub-a's getStats samples map mid '0' to pub-a and '1' to pub-b.
   */
  secondVideo?: boolean;
  publishers?: boolean;
  /** Per-second events without their video's label, as results written before it was recorded. */
  unlabelled?: boolean;
}

export function syntheticScoredTimeline(opts: ScoredRunOptions = {}): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  for (const peerId of ['sub-a', 'sub-b']) {
    const hit = peerId === 'sub-b';
    for (let s = 0; s < 40; s++) {
      const tMs = s * 1000;
      // sub-b: quality falls around the outage (20-21 s) and recovers over 3 s; a smaller dip at 8 s.
      const dip = hit ? (s === 20 ? 55 : s === 21 ? 35 : s === 22 ? 20 : s === 23 ? 8 : s === 8 ? 25 : 0) : s === 30 ? 12 : 0;
      const vmaf = 92 - dip - (s % 3);
      timeline.push({
        kind: 'frame-score',
        tMs,
        peerId,
        vmaf: opts.withoutVmaf ? null : vmaf,
        psnrDb: 42 - dip / 3,
        ssim: 0.98 - dip / 500,
        framesDisplayed: hit && s === 20 ? 1 : 30,
        framesScored: hit && s === 20 ? 1 : 10,
      });
      timeline.push({ kind: 'latency', tMs, peerId, medianMs: 120 + (hit && s >= 21 && s <= 23 ? 180 : 0) + (s % 4) * 3, maxMs: 150 + (hit && s >= 21 && s <= 23 ? 260 : 0), frames: 30 });
    }
  }
  timeline.push({ kind: 'freeze', tMs: 20_050, peerId: 'sub-b', durationMs: 1020 });
  const videos: [string, string][] = [
    ['sub-a', '0'],
    ['sub-b', '0'],
  ];
  if (opts.secondVideo) {
    videos.splice(1, 0, ['sub-a', '1']);
    for (let s = 0; s < 40; s++) {
      timeline.push({ kind: 'frame-score', tMs: s * 1000, peerId: 'sub-a', label: '1', vmaf: opts.withoutVmaf ? null : s === 10 ? 40 : 70 - (s % 2), psnrDb: s === 10 ? 28 : 35, ssim: 0.95, framesDisplayed: 30, framesScored: 10 });
      timeline.push({ kind: 'latency', tMs: s * 1000, peerId: 'sub-a', label: '1', medianMs: 200, maxMs: 230, frames: 30 });
    }
    timeline.push({ kind: 'freeze', tMs: 10_100, peerId: 'sub-a', label: '1', durationMs: 700 });
  }
  // The rest (one video per subscriber so far) is video '0'.
  for (const e of timeline) if ((e.kind === 'frame-score' || e.kind === 'latency' || e.kind === 'freeze') && e.label === undefined) e.label = '0';
  // The per-second video MOS as score-live.ts adds it (the real vmaf-mos.ts over each video's seconds and freezes).
  for (const [peerId, label] of videos) {
    const seconds = timeline.flatMap((e) => (e.kind === 'frame-score' && e.peerId === peerId && e.label === label ? [e] : []));
    const freezes = timeline.flatMap((e) => (e.kind === 'freeze' && e.peerId === peerId && e.label === label ? [e] : []));
    const mos = vmafMos(seconds, freezes).perSecond;
    seconds.forEach((e, i) => (e.videoMos = mos[i].mos));
    timeline.push({
      kind: 'score-summary',
      tMs: 0,
      peerId,
      label,
      displayed: 1170,
      undecodable: 0,
      skipped: peerId === 'sub-b' ? 30 : 0,
      captureMissed: 0,
      freezes: freezes.length,
      freezeMs: freezes.reduce((a, f) => a + f.durationMs, 0),
      vmafMean: opts.withoutVmaf ? null : 88,
      psnrMeanDb: 41,
      ssimMean: 0.97,
      glassToGlassMedianMs: 124,
      vmafMissing: opts.withoutVmaf ? (opts.vmafMissing ?? 'ffmpeg has no libvmaf filter') : null,
      thumbnailError: null,
    });
  }
  if (opts.thumbnails) {
    for (const [second, frozen] of [
      [8, false],
      [20, true],
      [23, false],
    ] as const) {
      const shown = second * 30 + 12;
      timeline.push({
        kind: 'frame-thumbnail',
        tMs: second * 1000 + 400,
        peerId: 'sub-b',
        label: '0',
        second,
        metric: opts.withoutVmaf ? 'psnr' : 'vmaf',
        value: frozen ? 10 : 60,
        frozen,
        heldMs: frozen ? 1000 : 0,
        shownNumber: frozen ? 590 : shown,
        referenceNumber: frozen ? 620 : shown,
        vmaf: opts.withoutVmaf ? null : frozen ? 31.5 : 58.25,
        psnrDb: frozen ? 24.5 : 33.1,
        ssim: 0.91,
        width: 160,
        height: 90,
        ...opts.thumbnails,
      });
    }
  }
  if (opts.publishers) {
    const inbound = (mid: string, publisherId: string) => ({ mid, publisherId, ssrc: Number(mid) + 1, bitrateBps: 1e6, framesReceived: 30, framesDecoded: 30, framesDropped: 0, keyFramesDecoded: 1, framesPerSecond: 30, frameWidth: 640, frameHeight: 360, freezeCount: 0, totalFreezesDurationS: 0, jitterMs: 2, jitterBufferDelayMs: 40, packetsReceived: 900, packetsLost: 0, nackCount: 0, pliCount: 0, firCount: 0, decoderImplementation: null });
    timeline.push({ kind: 'peer', tMs: 1000, sample: { tMs: 1000, peerId: 'sub-a', role: 'subscriber', connectionState: 'connected', outbound: [], inbound: [inbound('0', 'pub-a'), inbound('1', 'pub-b')], candidatePair: null } });
  }
  if (opts.unlabelled) for (const e of timeline) if (e.kind === 'frame-score' || e.kind === 'latency' || e.kind === 'freeze') delete e.label;
  timeline.push({ kind: 'network', tMs: 20_000, type: 'outage', durationMs: 1000, detail: 'both directions' });
  return timeline.sort((a, b) => a.tMs - b.tMs);
}

export function syntheticScoredResults(opts: ScoredRunOptions = {}): ResultsFile {
  const timeline = syntheticScoredTimeline(opts);
  const run: RunResult = {
    scenario: SCORED_SCENARIO.name,
    scenarioFile: SCORED_SCENARIO.file,
    mode: 'live',
    seed: SCORED_SCENARIO.seed,
    algorithms: { bwe: 'gcc' },
    status: 'ok',
    metrics: liveMosMetrics(timeline),
    expectations: [],
    timeline,
    wallMs: 41_000,
  };
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'netqoe', version: '0.1.0-test' },
    createdAt: '2025-01-02T03:04:05.678Z',
    command: `netqoe run ${SCORED_SCENARIO.file} --mode live`,
    scenarios: [{ ...SCORED_SCENARIO }],
    runs: [run],
  };
}
