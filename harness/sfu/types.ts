// Shapes shared by the SFU, its signaling and the browser harness: layers, codecs, per-second samples.

export type VideoCodec = 'VP8' | 'H264';
export type PeerRole = 'publisher' | 'subscriber';

/** One simulcast encoding the publisher sends (REFERENCE-NOTES.md, "Simulcast (SFU publishers)"). */
export interface LayerConfig {
  rid: string;
  /** 1 = full resolution, 2 = half, 4 = quarter. */
  scaleResolutionDownBy: number;
  maxBitrateBps: number;
}

/** Ascending, as the SFU and the selectors index them: l, m, h. */
export const DEFAULT_LAYERS: readonly LayerConfig[] = [
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrateBps: 150_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrateBps: 500_000 },
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrateBps: 2_000_000 },
];

/** The camera the publisher asks for (the usual source of the notes). */
export const DEFAULT_CAPTURE = { width: 1280, height: 720, frameRate: 30 } as const;

/** The SFU's view of one subscriber receiving one publisher, once per second. */
export interface SfuSubscriberSample {
  /** ms since the SFU started. */
  tMs: number;
  room: string;
  subscriberId: string;
  publisherId: string;
  estimateBps: number;
  /** This feed's part of the estimate (the split across the subscriber's feeds; = estimateBps with one feed). */
  shareBps?: number;
  /** Where the estimate came from: "receiver REMB 2.4 Mbps", "fixed", ... */
  estimateReason: string;
  /** rid being forwarded, null before the first keyframe. */
  layer: string | null;
  /** rid waited for (its keyframe has not come), null when none. */
  pendingLayer: string | null;
  /** The selector's reason for its last decision. */
  reason: string;
  forwardedBps: number;
}

/** The SFU's view of one publisher, once per second. */
export interface SfuPublisherSample {
  tMs: number;
  room: string;
  publisherId: string;
  layers: { rid: string; ssrc: number | null; bitrateBps: number; active: boolean; keyframes: number }[];
  /** Last REMB sent (0 when REMB is off). */
  rembBps: number;
  rembReason: string;
  /**
   * Datagrams the kernel dropped on the SFU's sockets for this publisher since they opened (full receive buffer:
   * loss the harness caused, not the scenario); null where it cannot be read (not Linux). Absent in older records.
   */
  socketDrops?: number | null;
}

/** A layer change that happened (at the target layer's switch point). */
export interface SfuLayerSwitch {
  tMs: number;
  room: string;
  subscriberId: string;
  publisherId: string;
  from: string | null;
  to: string;
  /** From the selector's decision to the first packet of the new layer (keyframe wait). */
  waitedMs: number;
  /** The first packet of the new layer starts a keyframe (checked apart from the forwarder's own rule). */
  atKeyframe: boolean;
  reason: string;
}
