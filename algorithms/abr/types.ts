// The ABR interface: one object runs in the simulator and, later, in the player adapters and the SFU.

export interface LadderRung {
  bitrateBps: number;
  width: number;
  height: number;
  fps: number;
}

export interface ThroughputSample {
  /** When the download finished. */
  tMs: number;
  bytes: number;
  /** Time from request to last byte (includes the request's round trip). */
  durationMs: number;
  /** bytes * 8000 / durationMs. */
  bps: number;
}

/** Network stats the player knows; every field is optional because a real player may not know it. */
export interface NetworkStats {
  rttMs?: number;
  /** Fraction 0..1. */
  lossRate?: number;
  jitterMs?: number;
  /** Last measured bandwidth. */
  bandwidthBps?: number;
}

export interface AbrContext {
  /** Virtual (sim) or wall (live) time since the session started. */
  tMs: number;
  segmentIndex: number;
  segmentCount: number;
  segmentDurationS: number;
  bufferS: number;
  bufferMaxS: number;
  /** Ascending by bitrate. */
  ladder: readonly LadderRung[];
  /** Size in bits of segment `index` at each quality (VBR-aware); undefined past the end. */
  segmentSizesBits(index: number): readonly number[] | undefined;
  /** Quality of the previous segment; null for the first. */
  lastQuality: number | null;
  /** Oldest first. */
  throughputHistory: readonly ThroughputSample[];
  network: NetworkStats;
  /** false during startup and stalls. */
  playing: boolean;
}

export interface AbrDecision {
  /** An integer rung index, 0 to ladder.length - 1; anything else stops the run as crashed (exit 3). */
  quality: number;
  /** Human-readable, shown on hover in the report: "buffer 3.1 s < 5 s: x0.7". */
  reason: string;
  /** Optional: ask the player to wait this long before requesting (e.g. BOLA above its target). */
  delayMs?: number;
}

export interface AbrAlgorithm {
  readonly name: string;
  choose(ctx: AbrContext): AbrDecision;
}

/** A registry entry: algorithms may keep state per session, so the registry hands out factories. */
export interface AbrFactory {
  name: string;
  /** First-line source: paper, RFC or reference note. */
  source: string;
  description: string;
  /** The module file a user algorithm was loaded from (absent for built-ins); named in run-time errors. */
  file?: string;
  create(): AbrAlgorithm;
}
