// The link model's public surface.
export type * from './types.ts';
export { buildLinkModel, compileLink, type BuildLinkOptions, type CompiledLink, type SimulatedLinkModel } from './link-model.ts';
export { CapacitySchedule, compileCapacity } from './capacity-schedule.ts';
export { SimulatedLinkDirection, type CompiledDirection, type DirectionCounters } from './link-direction.ts';
export { buildSettingsTimeline, longRunLossRate, type SettingsSegment, type SettingsTimeline } from './settings-timeline.ts';
export { BernoulliLoss, GilbertElliottLoss, createLossDecider, type LossDecider } from './loss-models.ts';
export { sampleJitterMs, PARETO_SHAPE } from './jitter.ts';
export { createRng, hashLabel, standardNormal, Xoshiro128, type Rng } from './prng.ts';
export {
  MATHIS_C,
  mathisGoodputBps,
  mathisTimeline,
  tcpGoodputBps,
  tcpTransferEndMs,
  type FluidCapacity,
  type LossPiece,
  type MathisTimeline,
} from './tcp.ts';
