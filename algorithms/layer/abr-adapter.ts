// Source: REFERENCE-NOTES.md, "Simulcast (SFU publishers)" with the ABR rules of the same notes run as layer selectors.
//
// Runs any ABR algorithm (algorithms/abr) as a layer selector, so the seed rules (seed-dash,
// seed-netflix) choose simulcast layers as they choose rungs. The mapping, where real-time video has
// no counterpart of a player's state (a production engineer's reading, documented here):
// - ladder: the active layers, ascending, each at its measured bitrate (its ceiling before any
//   measurement); the ABR's quality indexes that ladder and is mapped back to a layer index.
// - bandwidth: the subscriber's estimate; loss, jitter, RTT: the SFU's view of the downlink.
// - throughput history: one sample per decision, the estimate at that time (seed-netflix takes the
//   10th percentile of the last 10 of them).
// - buffer: a real-time receiver holds ~100 ms, not seconds; a fixed bufferS (default 10 s) puts
//   the seed rules in their "normal" band (seed-dash x0.8, seed-netflix x0.9) instead of panic.
//   Buffer-based ABRs (BBA, BOLA) therefore see a constant buffer: use them here knowingly.

import type { AbrAlgorithm, AbrContext, AbrFactory, LadderRung, ThroughputSample } from '../abr/types.ts';
import { activeLayerIndices, layerRateBps } from './common.ts';
import type { LayerContext, LayerDecision, LayerSelector, LayerSelectorFactory } from './types.ts';

export interface AbrAdapterOptions {
  /** The buffer level the ABR is told it has. Default 10 s. */
  bufferS?: number;
  /** How many estimate samples to keep as throughput history. Default 20. */
  historyLength?: number;
  /** The ladder's frame rate (rungs need one). Default 30. */
  fps?: number;
}

export function abrAsLayerSelector(abr: AbrAlgorithm, opts: AbrAdapterOptions = {}): LayerSelector {
  const bufferS = opts.bufferS ?? 10;
  const historyLength = Math.max(1, opts.historyLength ?? 20);
  const fps = opts.fps ?? 30;
  const history: ThroughputSample[] = [];
  let decisions = 0;

  return {
    name: abr.name,
    choose(ctx: LayerContext): LayerDecision {
      const active = activeLayerIndices(ctx.layers);
      const ladder: LadderRung[] = active.map((i) => {
        const l = ctx.layers[i];
        return { bitrateBps: layerRateBps(l), width: l.width, height: l.height, fps };
      });
      // Measured layer rates can cross (a keyframe burst on m): the ABRs want an ascending ladder.
      for (let i = 1; i < ladder.length; i++) if (ladder[i].bitrateBps < ladder[i - 1].bitrateBps) ladder[i] = { ...ladder[i], bitrateBps: ladder[i - 1].bitrateBps };
      const prev = history[history.length - 1];
      const durationMs = prev ? Math.max(1, ctx.tMs - prev.tMs) : 1000;
      history.push({ tMs: ctx.tMs, bps: ctx.estimateBps, durationMs, bytes: (ctx.estimateBps * durationMs) / 8000 });
      if (history.length > historyLength) history.shift();
      const lastQuality = ctx.currentLayer === null ? null : active.indexOf(ctx.currentLayer);
      const abrCtx: AbrContext = {
        tMs: ctx.tMs,
        segmentIndex: decisions,
        segmentCount: Number.MAX_SAFE_INTEGER,
        segmentDurationS: 1,
        bufferS,
        bufferMaxS: Math.max(bufferS, 30),
        ladder,
        segmentSizesBits: () => ladder.map((r) => r.bitrateBps),
        lastQuality: lastQuality === null || lastQuality < 0 ? null : lastQuality,
        throughputHistory: history,
        network: { bandwidthBps: ctx.estimateBps, lossRate: ctx.network.lossRate, jitterMs: ctx.network.jitterMs, rttMs: ctx.network.rttMs },
        playing: true,
      };
      decisions++;
      const d = abr.choose(abrCtx);
      const q = Math.min(Math.max(0, Math.round(d.quality)), active.length - 1);
      const layer = active[q];
      return { layer, reason: `${d.reason} [${ctx.layers[layer].rid}]` };
    },
  };
}

export function abrLayerSelectorFactory(abr: AbrFactory, opts: AbrAdapterOptions = {}): LayerSelectorFactory {
  return {
    name: abr.name,
    source: abr.source,
    description: `${abr.description} (as a layer selector: layers as the ladder, estimate as bandwidth, buffer fixed at ${opts.bufferS ?? 10} s)`,
    create: () => abrAsLayerSelector(abr.create(), opts),
  };
}
