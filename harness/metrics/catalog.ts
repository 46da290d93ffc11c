// Every metric a run can report: its key in results.json (unit in the name), its unit, and which way is better.
// Scenario `expect` lines name metrics with or without the unit suffix (avgBitrate == avgBitrateKbps).

export type MetricUnit = 'kbps' | 's' | 'ms' | 'ratio' | 'count' | 'score' | 'mos' | 'db';

/** Which kind of run produces the metric: streaming (ABR simulator), bwe (BWE simulator), network (every run), live (SFU + browsers). */
export type MetricGroup = 'streaming' | 'bwe' | 'network' | 'live';

export interface MetricInfo {
  key: string;
  unit: MetricUnit;
  better: 'higher' | 'lower';
  group: MetricGroup;
  description: string;
  /** Decimals the report shows, when the unit's default does not fit (SSIM is 0-1 in score units). */
  digits?: number;
}

export const METRICS: readonly MetricInfo[] = [
  { key: 'avgBitrateKbps', unit: 'kbps', better: 'higher', group: 'streaming', description: 'Mean bitrate of the played segments, weighted by duration' },
  { key: 'rebufferS', unit: 's', better: 'lower', group: 'streaming', description: 'Total stall time after playback started' },
  { key: 'rebufferRatio', unit: 'ratio', better: 'lower', group: 'streaming', description: 'Stall time / (stall time + played time)' },
  { key: 'rebufferCount', unit: 'count', better: 'lower', group: 'streaming', description: 'Number of stalls after playback started' },
  { key: 'startupDelayS', unit: 's', better: 'lower', group: 'streaming', description: 'Time from the first request to the start of playback' },
  { key: 'switchCount', unit: 'count', better: 'lower', group: 'streaming', description: 'Number of quality changes between consecutive segments' },
  { key: 'avgSwitchKbps', unit: 'kbps', better: 'lower', group: 'streaming', description: 'Mean |bitrate change| over the quality changes' },
  { key: 'qoeLinear', unit: 'score', better: 'higher', group: 'streaming', description: 'Pensieve linear QoE: sum bitrate Mbps - 4.3 x rebuffer s - sum |change| Mbps' },
  { key: 'networkScore', unit: 'score', better: 'higher', group: 'network', description: '0-100 network quality score of the reference notes (mean over 1 s samples)' },
  // MOS models (harness/metrics/mos, docs/scoring.md "MOS").
  { key: 'p1203Mos', unit: 'mos', better: 'higher', group: 'streaming', description: 'ITU-T P.1203 mode 0 O.46 (1-5): played segments, stalls incl. initial loading, AAC-LC 128 kbps audio assumed, 1080p PC display' },
  { key: 'p1203QualityMos', unit: 'mos', better: 'higher', group: 'streaming', description: 'ITU-T P.1203.3 O.35 (1-5): audiovisual quality of the played segments before the stalling penalty' },
  // Bandwidth estimation (harness/bwe-sim): RFC 8868 metrics for the RFC 8867 test cases, and the MMSys 2021 challenge score.
  { key: 'utilisationRatio', unit: 'ratio', better: 'higher', group: 'bwe', description: 'BWE: bytes delivered / bytes the bottleneck could carry over the run' },
  { key: 'queueDelayP95Ms', unit: 'ms', better: 'lower', group: 'bwe', description: 'BWE: 95th percentile of the queueing delay at the bottleneck (delivered packets)' },
  { key: 'lossRatio', unit: 'ratio', better: 'lower', group: 'bwe', description: 'BWE: packets dropped on the path / packets sent (media and probes)' },
  { key: 'mmsysNetworkScore', unit: 'score', better: 'higher', group: 'bwe', description: 'BWE: MMSys 2021 BWE challenge network score, 0-70 (0.2 delay + 0.2 receive rate + 0.3 loss, x100)' },
  { key: 'avgDeliveredKbps', unit: 'kbps', better: 'higher', group: 'bwe', description: 'BWE: mean rate delivered to the receiver over the run' },
  { key: 'avgTargetKbps', unit: 'kbps', better: 'higher', group: 'bwe', description: 'BWE: mean send-rate target over the run' },
  // Live WebRTC runs (harness/run/run-live.ts, computed in harness/metrics/live-metrics.ts).
  { key: 'publisherTopLayerS', unit: 's', better: 'lower', group: 'live', description: 'Live: from a publisher joining to its top layer sent at full size with the encoder allowed >= 90% of its ceiling (slowest publisher)' },
  { key: 'layerDownAfterDropS', unit: 's', better: 'lower', group: 'live', description: "Live: from a drop of a subscriber's downlink below the top layer to the SFU forwarding a layer whose ceiling fits (slowest subscriber)" },
  { key: 'layerUpAfterReturnS', unit: 's', better: 'lower', group: 'live', description: "Live: from a subscriber's downlink returning above the top layer's ceiling to the SFU forwarding the top layer (slowest subscriber)" },
  { key: 'undisturbedTopLayerRatio', unit: 'ratio', better: 'higher', group: 'live', description: 'Live: subscribers whose downlink never dropped: share of time on the top layer after first reaching it (lowest)' },
  { key: 'layerSwitchCount', unit: 'count', better: 'lower', group: 'live', description: 'Live: layer switches the SFU made, all subscribers' },
  { key: 'switchDecodeErrors', unit: 'count', better: 'lower', group: 'live', description: "Live: layer switches followed within 2 s (from the subscriber's sample before the switch to its first sample 2 s after) by a freeze, a second without a decoded frame or a PLI/FIR of that stream, not explained by the subscriber's downlink or the publisher's uplink dropping packets in that second or the one before" },
  { key: 'keyframeRequestCount', unit: 'count', better: 'lower', group: 'live', description: 'Live: PLI + FIR the subscribers sent (decode trouble or loss)' },
  { key: 'freezeCount', unit: 'count', better: 'lower', group: 'live', description: "Live: video freezes the subscribers' browsers counted (webrtc-stats freezeCount), all streams" },
  { key: 'totalFreezesS', unit: 's', better: 'lower', group: 'live', description: 'Live: total freeze duration over all received streams' },
  { key: 'sfuSocketDrops', unit: 'count', better: 'lower', group: 'live', description: "Live: datagrams the kernel dropped on the SFU's publisher sockets (a full receive buffer: loss the harness caused, not the scenario; 0 when healthy; Linux only)" },
  { key: 'relaySocketDrops', unit: 'count', better: 'lower', group: 'live', description: "Live: datagrams the kernel dropped on the relays' own sockets (a full receive buffer when the relay's thread fell behind: loss the harness caused, not the scenario; 0 when healthy; Linux only)" },
  { key: 'avgReceivedKbps', unit: 'kbps', better: 'higher', group: 'live', description: 'Live: mean video bitrate a subscriber received per stream, from its first decoded frame' },
  { key: 'rFactor', unit: 'score', better: 'higher', group: 'live', description: 'Live: ITU-T G.107 E-model R factor (0-100) from one-way delay (glass-to-glass, else RTT/2 + jitter buffer) and loss (worst subscriber)' },
  { key: 'eModelMos', unit: 'mos', better: 'higher', group: 'live', description: 'Live: MOS from the E-model R (G.107 Annex B, 1-4.5; worst subscriber)' },
  { key: 'p1203LiveMos', unit: 'mos', better: 'higher', group: 'live', description: 'Live: ITU-T P.1203 mode 0 O.46 of the received video (bitrate, frame size and rate per stats second, browser freezes as stalls; an estimate, P.1203 is for streaming; worst stream)' },
  { key: 'videoMos', unit: 'mos', better: 'higher', group: 'live', description: 'Live: VMAF mapped to 1-5 with freezes as P.1203.3 stalls (not a standard; docs/scoring.md; worst subscriber)' },
  // Scored live runs (harness/media/score-live.ts liveScoreMetrics, docs/scoring.md): what the subscribers displayed against the reference clip; the worst subscriber video.
  { key: 'vmaf', unit: 'score', better: 'higher', group: 'live', description: 'Live, scored: mean VMAF (0-100) of the scored displayed frames against the reference clip (lowest subscriber); absent without libvmaf' },
  { key: 'psnrDb', unit: 'db', better: 'higher', group: 'live', description: 'Live, scored: mean PSNR of the scored displayed frames against the reference clip (lowest subscriber)' },
  { key: 'ssim', unit: 'score', better: 'higher', group: 'live', digits: 4, description: 'Live, scored: mean SSIM (0-1) of the scored displayed frames against the reference clip (lowest subscriber)' },
  { key: 'glassToGlassMs', unit: 'ms', better: 'lower', group: 'live', description: 'Live, scored: median glass-to-glass latency (capture time painted in the frame to display time; highest subscriber)' },
  { key: 'capturedFrameRatio', unit: 'ratio', better: 'higher', group: 'live', description: "Live, scored: frames the subscriber's capture recorded / frames its page presented (lowest subscriber; below 1 the scores miss frames the viewer saw)" },
  { key: 'skippedFrames', unit: 'count', better: 'lower', group: 'live', description: 'Live, scored: reference frames never displayed between displayed ones (most of any subscriber)' },
  { key: 'undecodableFrames', unit: 'count', better: 'lower', group: 'live', description: 'Live, scored: displayed frames whose painted frame number could not be read (most of any subscriber)' },
  { key: 'displayedFreezeCount', unit: 'count', better: 'lower', group: 'live', description: "Live, scored: freezes in the displayed-frame timeline (Chrome's rule on display times; most of any subscriber)" },
  { key: 'displayedFreezesS', unit: 's', better: 'lower', group: 'live', description: 'Live, scored: total freeze time in the displayed-frame timeline (most of any subscriber)' },
  // Handover recovery (harness/recovery/recovery-metrics.ts): the worst handover of the run for times, totals for counts.
  { key: 'iceDetectS', unit: 's', better: 'lower', group: 'live', description: "Live handover: from the path going dark to the first sign anyone had (the moving page's ICE/connection state disconnected or failed, the network-change signal, or the SFU's dead-path rule)" },
  { key: 'sfuDetectS', unit: 's', better: 'lower', group: 'live', description: "Live handover: from the path going dark to the SFU's dead-path rule firing (no RTP/RTCP from the peer for 2.5 s); absent when the path came back first" },
  { key: 'iceFirstRestartS', unit: 's', better: 'lower', group: 'live', description: "Live handover: from the path going dark to the moving page's first ICE restart or full reconnect" },
  { key: 'iceRestarts', unit: 'count', better: 'lower', group: 'live', description: 'Live handover: ICE restarts the moving page made (all handovers)' },
  { key: 'fullReconnects', unit: 'count', better: 'lower', group: 'live', description: 'Live handover: full reconnects (new peer connection and signaling) the moving page made (all handovers)' },
  { key: 'iceRecoveryS', unit: 's', better: 'lower', group: 'live', description: "Live handover: from the path going dark to the first decoded frame after it on every subscriber (worst); absent when media never came back (see iceRecovered)" },
  { key: 'iceRecovered', unit: 'count', better: 'higher', group: 'live', description: 'Live handover: 1 when every subscriber decoded video again after every handover before the run ended, else 0' },
  { key: 'iceUnrecoveredS', unit: 's', better: 'lower', group: 'live', description: 'Live handover: how long a subscriber that never recovered was without a decoded frame, until the end of the run (a lower bound)' },
  { key: 'frozenS', unit: 's', better: 'lower', group: 'live', description: 'Live handover: time without a decoded frame (gaps of 250 ms or more, from the outage on) per subscriber, worst subscriber' },
  { key: 'postRecoveryKbps', unit: 'kbps', better: 'higher', group: 'live', description: 'Live handover: mean received video bitrate over the 10 s after media came back (worst subscriber and handover)' },
  { key: 'rampAfterRecoveryS', unit: 's', better: 'lower', group: 'live', description: 'Live handover: from media back to the received bitrate reaching 80% of its mean over the 5 s before the outage; absent when it never does' },
];

export function metricInfo(key: string): MetricInfo | undefined {
  return METRICS.find((m) => m.key === key);
}
