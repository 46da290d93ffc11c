// The shape of a scenario file, checked with zod before any unit is converted (parse.ts converts).
// Strict objects everywhere: an unknown key is an error, with a did-you-mean from every key we know.

import { z } from 'zod';

/** Every key any object in the format accepts: the pool did-you-mean draws from. */
export const KNOWN_KEYS = new Set<string>();
/** Where each key belongs (a key valid in one object is "unknown here" in another). */
export const KEY_PLACES = new Map<string, string[]>();

function obj<T extends z.ZodRawShape>(place: string, shape: T) {
  for (const k of Object.keys(shape)) {
    KNOWN_KEYS.add(k);
    const places = KEY_PLACES.get(k) ?? [];
    if (!places.includes(place)) places.push(place);
    KEY_PLACES.set(k, places);
  }
  return z.strictObject(shape);
}

/** A value with a unit ("5Mbps", "40ms", "0.5%") or a plain number; converted in parse.ts. */
const Scalar = z.union([z.string(), z.number()]);

export const TraceRefSchema = obj('a trace {trace: ...}', {
  trace: z.string(),
  format: z.enum(['mahimahi', 'sabre', 'csv']).optional(),
  scale: z.number().positive().optional(),
  offset: Scalar.optional(),
  loop: z.boolean().optional(),
});
const Capacity = z.union([Scalar, TraceRefSchema]);

const JitterObject = obj('a jitter map {ms: ...}', {
  ms: Scalar,
  distribution: z.enum(['uniform', 'normal', 'pareto']).optional(),
  reorder: z.boolean().optional(),
});
const Jitter = z.union([Scalar, JitterObject]);

const LossObject = z.discriminatedUnion('model', [
  obj('a loss model', { model: z.literal('none') }),
  obj('a loss model', { model: z.literal('bernoulli'), rate: Scalar }),
  obj('a gilbert-elliott loss model', {
    model: z.literal('gilbert-elliott'),
    p: Scalar.optional(),
    r: Scalar.optional(),
    lossGood: Scalar.optional(),
    lossBad: Scalar.optional(),
    rate: Scalar.optional(),
    burst: z.number().optional(),
  }),
]);
const Loss = z.union([Scalar, LossObject]);

const DirectionOverride = obj('downlink/uplink', {
  capacity: Capacity.optional(),
  delay: Scalar.optional(),
  jitter: Jitter.optional(),
  loss: Loss.optional(),
  queue: Scalar.optional(),
});

export const PhaseSchema = obj('a network phase', {
  name: z.string().optional(),
  at: Scalar.optional(),
  preset: z.string().optional(),
  down: Capacity.optional(),
  up: Capacity.optional(),
  rtt: Scalar.optional(),
  delay: Scalar.optional(),
  jitter: Jitter.optional(),
  loss: Loss.optional(),
  queue: Scalar.optional(),
  downlink: DirectionOverride.optional(),
  uplink: DirectionOverride.optional(),
});

const DirectionSel = z.enum(['both', 'down', 'up']).optional();

export const EventSchema = z.discriminatedUnion('type', [
  obj('a handover event', { type: z.literal('handover'), at: Scalar, to: z.string(), outage: Scalar.optional(), addressChange: z.boolean().optional(), networkSignal: Scalar.optional() }),
  obj('an outage event', { type: z.literal('outage'), at: Scalar, duration: Scalar, direction: DirectionSel }),
  obj('a lossBurst event', { type: z.literal('lossBurst'), at: Scalar, duration: Scalar, loss: Scalar, direction: DirectionSel }),
  obj('a capacityStep event', {
    type: z.literal('capacityStep'),
    at: Scalar,
    duration: Scalar.optional(),
    factor: z.number().nonnegative().optional(),
    rate: Scalar.optional(),
    direction: DirectionSel,
  }),
]);

const RungSchema = obj('a ladder rung', { bitrate: Scalar, resolution: z.string().optional(), fps: z.number().positive().optional() });

export const MediaSchema = obj('media', {
  segment: Scalar.optional(),
  length: Scalar.optional(),
  segments: z.number().int().positive().optional(),
  buffer: Scalar.optional(),
  startup: Scalar.optional(),
  ladder: z.array(RungSchema).min(1).optional(),
  manifest: z.string().optional(),
});

const NameList = z.union([z.string(), z.array(z.string())]);

export const AlgorithmsSchema = obj('algorithms', {
  abr: NameList.optional(),
  bwe: NameList.optional(),
  iceRestart: NameList.optional(),
  layer: NameList.optional(),
});

// Live WebRTC runs (mode: live): the call's shape and each peer's own link.
const SimulcastLayerSchema = obj('a simulcast layer', {
  rid: z.string(),
  scale: z.number().min(1).optional(),
  maxBitrate: Scalar,
});

const WebrtcPeerSchema = obj('a webrtc peer', {
  id: z.string(),
  codec: z.enum(['VP8', 'H264']).optional(),
  network: z.array(PhaseSchema).min(1).optional(),
  events: z.array(EventSchema).optional(),
});

/** A count (ids pub-1.. / sub-1..) or a list of peers. */
const WebrtcPeers = z.union([z.number().int().min(0), z.array(WebrtcPeerSchema)]);

export const WebrtcSchema = obj('webrtc', {
  codec: z.enum(['VP8', 'H264']).optional(),
  layers: z.array(SimulcastLayerSchema).min(1).optional(),
  publishers: WebrtcPeers.optional(),
  subscribers: WebrtcPeers.optional(),
});

const ExpectValue = z.union([z.string(), z.number()]);

export const ScenarioSchema = obj('the top level', {
  name: z.string().optional(),
  description: z.string().optional(),
  duration: Scalar,
  seed: z.number().int().nonnegative().optional(),
  mode: z.enum(['sim', 'live']).optional(),
  link: z.enum(['relay', 'netem', 'auto']).optional(),
  network: z.array(PhaseSchema).min(1),
  events: z.array(EventSchema).optional(),
  media: MediaSchema.optional(),
  algorithms: AlgorithmsSchema.optional(),
  webrtc: WebrtcSchema.optional(),
  expect: z.record(z.string(), z.union([ExpectValue, z.record(z.string(), ExpectValue)])).optional(),
});

export type RawScenario = z.infer<typeof ScenarioSchema>;
export type RawPhase = z.infer<typeof PhaseSchema>;
export type RawEvent = z.infer<typeof EventSchema>;
export type RawCapacity = z.infer<typeof Capacity>;
export type RawJitter = z.infer<typeof Jitter>;
export type RawLoss = z.infer<typeof Loss>;
export type RawDirectionOverride = z.infer<typeof DirectionOverride>;
export type RawMedia = z.infer<typeof MediaSchema>;
export type RawWebrtc = z.infer<typeof WebrtcSchema>;
export type RawWebrtcPeer = z.infer<typeof WebrtcPeerSchema>;

/** What a scalar-or-object field expects, for messages when no form matched (or it is missing). */
const FIELD_EXPECTS: Record<string, string> = {
  down: 'a rate like "5Mbps" or a trace {trace: file, format, scale, offset, loop}',
  up: 'a rate like "5Mbps" or a trace {trace: file, format, scale, offset, loop}',
  capacity: 'a rate like "5Mbps" or a trace {trace: file, format, scale, offset, loop}',
  jitter: 'a duration like "5ms" or {ms, distribution, reorder}',
  loss: 'a percentage like "0.5%" or a loss model {model: bernoulli|gilbert-elliott, ...}',
  abr: 'an algorithm name or a list of them',
  bwe: 'an estimator name or a list of them',
  iceRestart: 'a policy name or a list of them',
  layer: 'a layer selector name or a list of them',
  publishers: 'a number of peers or a list of {id, codec, network, events}',
  subscribers: 'a number of peers or a list of {id, codec, network, events}',
  maxBitrate: 'a rate like "500kbps"',
  duration: 'a duration like "120s"',
  at: 'a time like "30s"',
  outage: 'a duration like "1.5s"',
  rtt: 'a duration like "40ms"',
  delay: 'a duration like "20ms"',
  ms: 'a duration like "5ms"',
  offset: 'a duration like "10s"',
  segment: 'a duration like "4s"',
  length: 'a duration like "10min"',
  buffer: 'a duration like "30s"',
  startup: 'a duration like "4s"',
  queue: 'a queue limit like 100 (packets), "64KB" or "200ms"',
  rate: 'a percentage like "1%"',
  p: 'a percentage like "1%"',
  r: 'a percentage like "30%"',
  lossGood: 'a percentage like "0%"',
  lossBad: 'a percentage like "100%"',
  bitrate: 'a rate like "1.5Mbps"',
};

/** What the field at `path` expects (events' `rate` and `loss` differ from a phase's). */
export function fieldExpects(path: readonly (string | number)[]): string {
  const field = [...path].reverse().find((p) => typeof p === 'string');
  // Events are at the top level or in a webrtc peer's own link.
  const inEvents = path.includes('events');
  if (inEvents && field === 'rate') return 'a rate like "1Mbps"';
  if (inEvents && field === 'loss') return 'a percentage like "25%"';
  return FIELD_EXPECTS[field ?? ''] ?? 'a value of another form';
}
