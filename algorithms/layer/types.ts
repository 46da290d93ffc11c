// The layer-selection interface: given one subscriber's estimate and the publisher's simulcast layers, which layer to forward.
// A close relative of the ABR interface (algorithms/abr/types.ts): a name, one decision function of a context, a reason.

export interface SimulcastLayer {
  /** The RTP stream id the publisher sends it under: 'l', 'm', 'h'. */
  rid: string;
  width: number;
  height: number;
  /** The publisher's configured ceiling for this encoding. */
  maxBitrateBps: number;
  /** What the SFU measured arriving on this layer over the last window; 0 when it is not being sent. */
  measuredBitrateBps: number;
  /** false while the publisher does not send the layer (not yet ramped up, or paused by its encoder). */
  active: boolean;
}

/** What the SFU knows about one subscriber's downlink; each field optional like AbrContext's network. */
export interface DownlinkStats {
  rttMs?: number;
  /** Fraction 0..1 over the last report interval. */
  lossRate?: number;
  jitterMs?: number;
}

export interface LayerContext {
  /** Wall time since the SFU started (live) or virtual time (sim). */
  tMs: number;
  /** The downlink estimate for this subscriber (from its feedback, or forced). */
  estimateBps: number;
  /** Ascending: index 0 is the lowest layer. */
  layers: readonly SimulcastLayer[];
  /** Index of the layer being forwarded now (or pending a keyframe), null before the first choice. */
  currentLayer: number | null;
  network: DownlinkStats;
}

export interface LayerDecision {
  /** Index into ctx.layers. */
  layer: number;
  /** Shown on hover in the report: "estimate 2.4 Mbps x0.9 = 2.2 Mbps >= h 1.9 Mbps". */
  reason: string;
}

export interface LayerSelector {
  readonly name: string;
  /**
   * The part of its estimate the selector lets its layer use (highest-fit: 0.9). When a subscriber's
   * estimate is split across several feeds, the split is made on this part, and each share scaled
   * back, so that the layer allocated to a feed fits the selector's own budget. Default 1.
   */
  readonly budgetFraction?: number;
  choose(ctx: LayerContext): LayerDecision;
}

/** A registry entry: selectors keep per-subscriber state (hysteresis), so the registry hands out factories. */
export interface LayerSelectorFactory {
  name: string;
  /** First-line source: paper, RFC or reference note. */
  source: string;
  description: string;
  create(): LayerSelector;
}
