// What every mode returns and results.json stores. The report reads only this.

import type { PeerStatsSample } from '../browser/stats-types.ts';
import type { RelayTimelineSample } from '../relay/types.ts';
import type { SfuLayerSwitch, SfuPublisherSample, SfuSubscriberSample } from '../sfu/types.ts';

export const RESULTS_SCHEMA_VERSION = 1;

/** One subscriber video's scoring summary (harness/media/score-live.ts), as the 'score-summary' event carries it. */
export interface ScoredVideoSummary {
  peerId: string;
  label: string;
  displayed: number;
  undecodable: number;
  skipped: number;
  /** Frames the page presented that its capture missed. */
  captureMissed: number | null;
  freezes: number;
  freezeMs: number;
  vmafMean: number | null;
  psnrMeanDb: number | null;
  ssimMean: number | null;
  glassToGlassMedianMs: number | null;
  vmafMissing: string | null;
  /** Why the worst-moment thumbnails are missing (the scores stand without them), null when made. */
  thumbnailError: string | null;
}

export type TimelineEvent =
  /** A segment download (streaming). */
  | {
      kind: 'segment';
      tMs: number; // request time
      index: number;
      quality: number;
      bitrateBps: number;
      bytes: number;
      downloadMs: number; // request to last byte
      bufferS: number; // buffer level when the segment arrived (after adding it)
      reason: string;
    }
  /** Buffer level sample. */
  | { kind: 'buffer'; tMs: number; bufferS: number }
  /** A stall (rebuffering) from tMs for durationMs; startup is not a stall. */
  | { kind: 'stall'; tMs: number; durationMs: number }
  /** Capacity the link offered from tMs on (step function), per direction; live runs: whose link (peerId). */
  | { kind: 'capacity'; tMs: number; direction: 'down' | 'up'; bps: number; peerId?: string }
  /** Playback started. */
  | { kind: 'playback'; tMs: number; state: 'start' | 'end' }
  /** Bandwidth estimation sample (BWE simulator): what the link allowed vs what the estimator chose. */
  | {
      kind: 'bwe';
      tMs: number;
      direction: 'down' | 'up';
      capacityBps: number;
      targetBps: number;
      sentBps: number;
      deliveredBps: number;
      queueDelayMs: number;
      lossRate: number;
      reason: string;
    }
  /** A scenario event (handover, outage, lossBurst, capacityStep) as it happened. */
  | { kind: 'network'; tMs: number; type: string; durationMs: number | null; detail: string; peerId?: string }
  /** Live: one browser peer's getStats sample (once a second). */
  | { kind: 'peer'; tMs: number; sample: PeerStatsSample }
  /** Live: the SFU's view of one subscriber x publisher (estimate, layer, reason), once a second. */
  | { kind: 'sfu-subscriber'; tMs: number; sample: SfuSubscriberSample }
  /** Live: the SFU's view of one publisher (layers received, REMB), once a second. */
  | { kind: 'sfu-publisher'; tMs: number; sample: SfuPublisherSample }
  /** Live: a layer switch that happened at the SFU. */
  | { kind: 'layer-switch'; tMs: number; change: SfuLayerSwitch }
  /**
   * Live: a connection-state or recovery event (ICE restarts, harness/recovery). source 'page': the
   * browser's ICE/connection states, the network-change signal, the policy's actions ('restart-ice',
   * 'full-reconnect', 'reconnected'), a subscriber's 'first-frame' and 'media-gap' (startMs: its last
   * frame before the gap); source 'sfu': 'path-dead' / 'path-alive' (its dead-path rule),
   * 'sfu-ice-restart', 'peer-joined' / 'peer-rejoined' / 'peer-left'.
   */
  | { kind: 'connection'; tMs: number; peerId: string; source: 'page' | 'sfu'; event: string; state?: string; detail: string; startMs?: number }
  /** Live: one shaped link's counters over a window; `peerId` names whose link (uplink = direction 'up'). */
  | (RelayTimelineSample & { peerId: string })
  /**
   * Live, scored: what one subscriber displayed during the second starting at tMs, against the reference clip
   * (harness/media). vmaf is null when ffmpeg has no libvmaf (psnr/ssim still set). Frames the viewer saw frozen
   * count as the reference frame they show. framesScored < framesDisplayed when scoring subsampled.
   */
  | {
      kind: 'frame-score';
      tMs: number;
      peerId: string;
      vmaf: number | null;
      psnrDb: number;
      ssim: number;
      framesDisplayed: number;
      framesScored: number;
      /**
       * The subscriber's video it scores (its m-line mid, as score-summary's label): a subscriber of several
       * publishers has one such second per video. Absent in results written before it was recorded.
       */
      label?: string;
      /**
       * VMAF-based video MOS of that second (1-5, harness/metrics/mos/vmaf-mos.ts: pulled to 1 by the frozen part of
       * the second); null without VMAF. Absent in results written before it was recorded.
       */
      videoMos?: number | null;
    }
  /**
   * Live, scored: what one subscriber's video (label: its m-line mid) came to over the whole run (tMs 0):
   * frames displayed / undecodable (no frame number read) / skipped (clip frames never shown) / presented by the
   * page but missed by its capture, freezes in the displayed-frame timeline, mean VMAF/PSNR/SSIM of the scored
   * frames, median glass-to-glass latency. vmafMissing: why there is no VMAF (null when there is);
   * thumbnailError: why the worst moments have no thumbnails.
   */
  | ({ kind: 'score-summary'; tMs: number } & ScoredVideoSummary)
  /**
   * Live, with an ICE-restart policy: how one handover of the moving peer's link went (harness/recovery/
   * recovery-metrics.ts), at the outage start tMs. Times in ms from the outage start; null: never happened
   * in the window (until the next handover or the end). Per subscriber: first decoded frame after the outage
   * (recoveryMs, null: never), time without decoded frames (frozenMs), mean received kbps over the 10 s after
   * recovery and the time to 80% of the pre-outage bitrate (rampMs). The run's metrics are the worst of these.
   */
  | {
      kind: 'handover-outcome';
      tMs: number;
      /** The peer whose link moved. */
      peerId: string;
      policy: string | null;
      to: string;
      outageMs: number;
      detectMs: number | null;
      detectedBy: string | null;
      sfuDetectMs: number | null;
      firstRestartMs: number | null;
      restarts: number;
      fullReconnects: number;
      subscribers: { peerId: string; recoveryMs: number | null; frozenMs: number; postRecoveryKbps: number | null; rampMs: number | null }[];
    }
  /**
   * Live, scored: a freeze at one subscriber (Chrome's rule: gap >= max(3 x avg frame duration, avg + 150 ms)),
   * in its video `label` (m-line mid, as score-summary's; absent in older results).
   */
  | { kind: 'freeze'; tMs: number; peerId: string; durationMs: number; label?: string }
  /**
   * Live, scored: glass-to-glass latency at one subscriber over the second starting at tMs (capture time painted in
   * the frame vs display time, one clock): median and max of the frames first displayed in that second, in its
   * video `label` (m-line mid, as score-summary's; absent in older results).
   */
  | { kind: 'latency'; tMs: number; peerId: string; medianMs: number; maxMs: number; frames: number; label?: string }
  /**
   * Live, scored: one of a subscriber video's worst moments (harness/media/worst-moments.ts) at the slot tMs,
   * with two JPEG thumbnails as data: URIs: the reference frame that was due (referenceNumber: the decoded
   * shownNumber, plus the frames due while it was held, so a frozen picture is set next to what should have
   * played) and the received frame as displayed. vmaf/psnrDb/ssim: that frame's scores (against shownNumber);
   * value: the second's score (metric) after the freeze rule.
   */
  | {
      kind: 'frame-thumbnail';
      tMs: number;
      peerId: string;
      /** The subscriber's video (its m-line mid). */
      label: string;
      second: number;
      metric: 'vmaf' | 'psnr';
      value: number;
      frozen: boolean;
      heldMs: number;
      shownNumber: number;
      referenceNumber: number;
      vmaf: number | null;
      psnrDb: number;
      ssim: number;
      /** Thumbnail size (both images). */
      width: number;
      height: number;
      reference: string;
      received: string;
    };

export interface ExpectationOutcome {
  expr: string;
  metric: string;
  actual: number | null;
  pass: boolean;
  where: string;
}

export interface RunResult {
  scenario: string;
  scenarioFile: string;
  mode: 'sim' | 'live';
  seed: number;
  /** layer: a live run's SFU layer selector (with bwe: its downlink estimator, absent for the SFU's default). */
  algorithms: { abr?: string; bwe?: string; iceRestart?: string; layer?: string };
  status: 'ok' | 'crashed';
  /** Set when status is 'crashed'. */
  error?: string;
  /** camelCase, unit in the name. */
  metrics: Record<string, number>;
  /**
   * Which variant of a model produced metrics, where there are several. p1203 (with p1203Mos / p1203LiveMos):
   * 'random-forest' (P.1203.3's trees, NETQOE_P1203_TREES) or 'parametric-estimate' (its random-forest quarter
   * estimated by the parametric part). Absent in results written before it was recorded.
   */
  models?: { p1203?: 'parametric-estimate' | 'random-forest' };
  expectations: ExpectationOutcome[];
  timeline: TimelineEvent[];
  /** A live run stopped early (SIGINT/SIGTERM): scenario time it ended at; its metrics cover [0, interruptedAtMs). */
  interruptedAtMs?: number;
  wallMs: number;
  /** Live runs: the link backend that carried the media and why (the scenario's `link`, the probe). Absent in sim runs and older results. */
  link?: { backend: 'relay' | 'netem'; why: string };
}

export interface ResultsFile {
  schemaVersion: number;
  tool: { name: 'netqoe'; version: string };
  createdAt: string;
  command: string;
  /** Scenario summaries for the report header, with where each came from (harness/run/provenance.ts). */
  scenarios: ({ name: string; file: string; description: string; durationMs: number; seed: number } & Partial<ScenarioProvenance>)[];
  /** The report layout the command built ('compare' for `netqoe compare`); `netqoe report` reuses it. Absent in older files: 'run'. */
  layout?: 'run' | 'compare';
  runs: RunResult[];
}

/** What a results file's scenario was made from, so it can be traced back (and rerun on the same inputs). */
export interface ScenarioProvenance {
  /** sha256 (hex) of the scenario file's bytes; absent for a `--trace` run, which has no scenario file. */
  sha256?: string;
  /** The scenario file's text as read (YAML); absent for a `--trace` run. */
  source?: string;
  /** Every trace and manifest file the scenario reads, with the sha256 (hex) of its bytes. */
  inputs: { path: string; sha256: string }[];
}
