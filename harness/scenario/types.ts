// The validated scenario: every quantity in SI-ish base units named in the field
// (ms, bps, fractions 0..1). Human units ("5Mbps", "40ms", "0.5%") are converted once, by the parser.

export type Direction = 'down' | 'up';
export type DirectionSelector = Direction | 'both';

export type JitterDistribution = 'uniform' | 'normal' | 'pareto';

export interface JitterSpec {
  /** Spread of the extra one-way delay: half-width for uniform, standard deviation for normal, scale for pareto. */
  ms: number;
  distribution: JitterDistribution;
  /** false: a packet never overtakes an earlier one (delivery times are made monotonic). */
  reorder: boolean;
}

export type LossSpec =
  | { model: 'none' }
  | { model: 'bernoulli'; rate: number }
  /** Gilbert-Elliott: p = P(good -> bad), r = P(bad -> good) per packet; loss probability in each state. */
  | { model: 'gilbert-elliott'; p: number; r: number; lossGood: number; lossBad: number };

export interface QueueSpec {
  limit: number;
  unit: 'packets' | 'bytes' | 'ms';
  discipline: 'droptail';
}

/** Piecewise-constant capacity: step i holds `bps[i]` from `startMs[i]` until `startMs[i+1]` (or `periodMs`). */
export interface CapacityTrace {
  /** Path as written in the scenario (relative to the scenario file) or given on the command line. */
  file: string;
  format: 'mahimahi' | 'sabre' | 'csv';
  startMs: number[];
  bps: number[];
  /** Length of one pass over the trace. */
  periodMs: number;
  /** Latency per step when the trace carries it (Sabre JSON); otherwise absent. */
  latencyMs?: number[];
}

export type CapacitySpec =
  | { kind: 'constant'; bps: number }
  | {
      kind: 'trace';
      trace: CapacityTrace;
      /** Multiplies every rate of the trace. */
      scale: number;
      /** Where in the trace the phase starts reading. */
      offsetMs: number;
      /** true: wrap around at the trace's end; false: capacity is 0 after the end. */
      loop: boolean;
    };

export interface DirectionSpec {
  capacity: CapacitySpec;
  /** One-way propagation delay. */
  delayMs: number;
  jitter: JitterSpec;
  loss: LossSpec;
  queue: QueueSpec;
}

export interface Phase {
  name: string;
  /** Start time; null for a phase that is only entered by a handover event. */
  atMs: number | null;
  preset: string | null;
  down: DirectionSpec;
  up: DirectionSpec;
}

export type ScenarioEvent =
  | {
      type: 'handover';
      atMs: number;
      /** Name of the phase whose link the client moves to. */
      to: string;
      /** Both directions are dark for this long, from atMs. */
      outageMs: number;
      /** The client reappears with a new address/port (new 5-tuple) after the outage. */
      addressChange: boolean;
      /**
       * Live runs: when the page gets the OS's network-change signal, in ms after its link is up again (default 0);
       * null: no signal at all (the policy must notice from ICE/connection states alone, as on a platform that
       * gives none, or too late).
       */
      networkSignalDelayMs?: number | null;
    }
  | { type: 'outage'; atMs: number; durationMs: number; direction: DirectionSelector }
  | { type: 'lossBurst'; atMs: number; durationMs: number; rate: number; direction: DirectionSelector }
  | {
      type: 'capacityStep';
      atMs: number;
      /** null: until the end of the scenario. */
      durationMs: number | null;
      /** Exactly one of factor (multiplies the capacity) and bps (replaces it). */
      factor: number | null;
      bps: number | null;
      direction: DirectionSelector;
    };

export interface Rung {
  bitrateBps: number;
  width: number;
  height: number;
  fps: number;
}

export interface MediaSpec {
  source: 'ladder' | 'manifest';
  /** Manifest path when source is 'manifest'. */
  manifestFile: string | null;
  segmentDurationMs: number;
  segmentCount: number;
  /** Ascending by bitrate. */
  rungs: Rung[];
  /** segmentSizesBits[segment][quality]; CBR ladders get bitrate x duration. */
  segmentSizesBits: number[][];
  /** Player buffer capacity. */
  bufferMaxMs: number;
  /** Buffer needed before playback starts (and resumes after a stall). */
  startupBufferMs: number;
}

export interface AlgorithmsSpec {
  /** ABR algorithm names or file paths (a list is a comparison). */
  abr: string[];
  /** Reserved for the live issues: bandwidth estimators and ICE-restart policies. */
  bwe: string[];
  iceRestart: string[];
  /** Live runs: SFU layer selectors (algorithms/layer/registry.ts names); absent in sim scenarios. */
  layer?: string[];
}

/** One simulcast encoding of a live run's publishers (the SFU's LayerConfig). */
export interface SimulcastLayerSpec {
  rid: string;
  /** 1 = full resolution, 2 = half, 4 = quarter. */
  scaleResolutionDownBy: number;
  maxBitrateBps: number;
}

/** One browser peer of a live run, behind its own relay. */
export interface WebrtcPeerSpec {
  /** Its peerId at the SFU ([\w.-]{1,64}). */
  id: string;
  role: 'publisher' | 'subscriber';
  /** A publisher's codec; null: the call's. */
  codec: 'VP8' | 'H264' | null;
  /** The peer's link: its own phases, or the scenario's network (uplink = up, downlink = down). */
  network: Phase[];
  /** Its own events if it has any (they replace the scenario's), else the scenario's when it uses the scenario's network. */
  events: ScenarioEvent[];
  /** true when the peer has its own network or events. */
  ownLink: boolean;
}

/** A live WebRTC call (mode: live): an SFU room, Chromium publishers and subscribers. */
export interface WebrtcSpec {
  codec: 'VP8' | 'H264';
  /** Ascending by bitrate. */
  layers: SimulcastLayerSpec[];
  publishers: WebrtcPeerSpec[];
  subscribers: WebrtcPeerSpec[];
}

export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==';

export interface Expectation {
  /** The metric key in results (e.g. avgBitrateKbps), after resolving the written name (avgBitrate). */
  metric: string;
  op: ComparisonOp;
  /** Threshold in the metric's own unit. */
  value: number;
  /** null: applies to every algorithm. */
  algorithm: string | null;
  /** As written, e.g. 'rebufferRatio < 2%'. */
  text: string;
  /** Where it was written, 'file:line'. */
  where: string;
}

export interface Scenario {
  file: string;
  name: string;
  description: string;
  durationMs: number;
  seed: number;
  mode: 'sim' | 'live';
  link: 'relay' | 'netem' | 'auto';
  /** Sorted by effective start; phase 0 starts at 0. */
  network: Phase[];
  /** Sorted by atMs. */
  events: ScenarioEvent[];
  media: MediaSpec;
  algorithms: AlgorithmsSpec;
  /** Live runs: the call (always set when mode is live). */
  webrtc?: WebrtcSpec;
  expect: Expectation[];
}
