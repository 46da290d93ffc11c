// Scenario YAML -> validated Scenario (ms, bit/s, fractions). Two passes: zod checks the shape
// (schema.ts), then this file converts units and checks meaning; every issue carries file:line path.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { describeValue, pathToString, ScenarioError, type ScenarioIssue } from './errors.ts';
import { parseExpectations } from './expect.ts';
import { DEFAULT_LADDER, DEFAULT_SEGMENT_MS, guessResolution, ladderMedia, loadSabreManifest, manifestMedia } from './media.ts';
import { getPreset, PRESETS, type Preset } from './presets.ts';
import {
  fieldExpects,
  KEY_PLACES,
  KNOWN_KEYS,
  ScenarioSchema,
  type RawCapacity,
  type RawDirectionOverride,
  type RawEvent,
  type RawJitter,
  type RawLoss,
  type RawMedia,
  type RawPhase,
  type RawScenario,
  type RawWebrtcPeer,
} from './schema.ts';
import { loadTrace, traceMeanBps } from './traces.ts';
import type {
  CapacitySpec,
  CapacityTrace,
  DirectionSpec,
  JitterSpec,
  LossSpec,
  MediaSpec,
  Phase,
  QueueSpec,
  Scenario,
  ScenarioEvent,
  SimulcastLayerSpec,
  WebrtcPeerSpec,
  WebrtcSpec,
} from './types.ts';
import { DEFAULT_LAYERS } from '../sfu/types.ts';
import { iceRestartNames } from '../../algorithms/ice-restart/registry.ts';

/** The SFU's default layer selector (algorithms/layer/registry.ts DEFAULT_LAYER_SELECTOR). */
export const DEFAULT_LIVE_LAYER_SELECTOR = 'highest-fit';
/** The SFU's peerId rule (docs/signaling.md). */
const PEER_ID = /^[\w.-]{1,64}$/;
import { parseDurationMs, parseFraction, parseQueue, parseRate, parseResolution, type Parsed } from './units.ts';

export interface ParseOptions {
  /** Known ABR names: others (that are not file paths) are errors with did-you-mean. */
  abrNames?: readonly string[];
  /** Known bandwidth-estimator names, checked the same way. */
  bweNames?: readonly string[];
  /** Known SFU layer-selector names (live runs), checked the same way (or a file). */
  layerNames?: readonly string[];
  /** Folder that traces, manifests and algorithm files are relative to (default: the scenario's). */
  baseDir?: string;
}

type Path = (string | number)[];

const DEFAULT_QUEUE: QueueSpec = { limit: 200, unit: 'ms', discipline: 'droptail' };

export function loadScenario(file: string, opts: ParseOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ScenarioError([{ file, line: null, path: '', message: `expected a readable scenario file, got ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}` }]);
  }
  return parseScenarioText(text, file, { baseDir: dirname(resolve(file)), ...opts });
}

export function parseScenarioText(text: string, file: string, opts: ParseOptions = {}): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new ScenarioError(
      // linePos is only filled in by prettyErrors; the offset is always there.
      doc.errors.map((e) => ({ file, line: lineCounter.linePos(e.pos[0]).line, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const data: unknown = doc.toJS();
  const lineOf = (path: Path, keyOnly = false): number | null => locate(doc.contents as YamlNode | null, lineCounter, path, keyOnly);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError([{ file, line: 1, path: '', message: `expected a map with at least duration and network, got ${describeValue(data)}` }]);
  }
  const shape = ScenarioSchema.safeParse(data, { reportInput: true });
  if (!shape.success) {
    throw new ScenarioError(zodIssues(shape.error.issues, []).map((i) => ({ file, line: lineOf(i.path, i.keyOnly), path: pathToString(i.path), message: i.message })));
  }
  const c = new Converter(file, opts.baseDir ?? dirname(resolve(file)), lineOf);
  const scenario = c.scenario(shape.data, opts);
  if (c.issues.length) throw new ScenarioError(c.issues);
  return scenario!;
}

// ---------------------------------------------------------------------------------------------
// zod issues -> messages that say what was expected and what was found

interface RawIssue {
  path: Path;
  message: string;
  keyOnly?: boolean;
}

/** A union branch that failed only because the input is of another kind (a map where a scalar goes, ...). */
function wrongKind(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.every(
    (x) =>
      x.path.length === 0 &&
      (x.code === 'invalid_type' || (x.code === 'invalid_union' && !('discriminator' in x && x.discriminator) && (x.errors ?? []).every(wrongKind))),
  );
}

/** zod's type names in the words of describeValue. */
const KIND_NAMES: Record<string, string> = { array: 'a list', object: 'a map', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };

function unknownKey(k: string): string {
  const places = KEY_PLACES.get(k);
  if (places) return `unknown key here ("${k}" belongs in ${places.join(', ')})`;
  return `unknown key${didYouMean(k, KNOWN_KEYS)}`;
}

function zodIssues(issues: readonly z.core.$ZodIssue[], prefix: Path): RawIssue[] {
  const out: RawIssue[] = [];
  for (const i of issues) {
    const path = [...prefix, ...(i.path as Path)];
    const input = (i as { input?: unknown }).input;
    switch (i.code) {
      case 'unrecognized_keys':
        for (const k of i.keys) out.push({ path: [...path, k], keyOnly: true, message: unknownKey(k) });
        break;
      case 'invalid_union': {
        const branches = (i.errors ?? []) as z.core.$ZodIssue[][];
        // The branch of the input's own kind (a map for an object form) says what is really wrong;
        // a nested union of scalars (string | number) that a map fails is not that branch.
        const relevant = input === undefined ? [] : branches.filter((b) => !wrongKind(b));
        if (relevant.length) {
          out.push(...zodIssues(relevant.sort((a, b) => a.length - b.length)[0], path));
        } else if ('discriminator' in i && i.discriminator) {
          const options = ((i as { options?: unknown[] }).options ?? []).map(String);
          const got = (input as Record<string, unknown> | undefined)?.[i.discriminator as string];
          out.push({ path, message: `expected one of ${options.join(', ')}, got ${describeValue(got)}${typeof got === 'string' ? didYouMean(got, options) : ''}` });
        } else if (input === undefined) {
          out.push({ path, message: `missing (expected ${fieldExpects(path)})` });
        } else {
          out.push({ path, message: `expected ${fieldExpects(path)}, got ${describeValue(input)}` });
        }
        break;
      }
      case 'invalid_type': {
        const kind = KIND_NAMES[i.expected] ?? i.expected;
        out.push({ path, message: input === undefined ? `missing (expected ${kind})` : `expected ${kind}, got ${describeValue(input)}` });
        break;
      }
      case 'invalid_value': {
        const values = i.values.map((v) => String(v));
        out.push({ path, message: `expected one of ${values.join(', ')}, got ${describeValue(input)}${typeof input === 'string' ? didYouMean(input, values) : ''}` });
        break;
      }
      case 'too_small':
        out.push({ path, message: i.origin === 'array' ? `expected at least ${i.minimum} item(s), got ${describeValue(input)}` : `expected ${i.inclusive ? '>=' : '>'} ${i.minimum}, got ${describeValue(input)}` });
        break;
      default:
        out.push({ path, message: `${i.message}, got ${describeValue(input)}` });
    }
  }
  return out;
}

/** Line of the node at `path` (or of its key), or of the deepest ancestor that exists. */
function locate(root: YamlNode | null, lc: LineCounter, path: Path, keyOnly: boolean): number | null {
  const lineAt = (n: { range?: [number, number, number] | null } | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : null);
  let node: unknown = root;
  let line = lineAt(root as YamlNode);
  for (let k = 0; k < path.length; k++) {
    const seg = path[k];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      line = lineAt(pair.key as YamlNode) ?? line;
      if (keyOnly && k === path.length - 1) return line;
      node = pair.value;
      if (!isMap(node) && !isSeq(node)) line = lineAt(node as YamlNode) ?? line;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      node = item;
      line = lineAt(item as YamlNode) ?? line;
    } else break;
  }
  return line;
}

// ---------------------------------------------------------------------------------------------
// Raw (shape-checked) -> Scenario (SI units), collecting every issue

class Converter {
  readonly issues: ScenarioIssue[] = [];
  private readonly traceCache = new Map<string, CapacityTrace>();
  /** algorithms.iceRestart lists a policy: a live run may then move a peer to a new address. */
  private iceRestartGiven = false;
  private readonly file: string;
  private readonly baseDir: string;
  private readonly lineOf: (path: Path, keyOnly?: boolean) => number | null;

  constructor(file: string, baseDir: string, lineOf: (path: Path, keyOnly?: boolean) => number | null) {
    this.file = file;
    this.baseDir = baseDir;
    this.lineOf = lineOf;
  }

  issue(path: Path, message: string): void {
    const where = pathToString(path);
    // A phase's shared fields (delay, jitter, loss, queue) are converted once per direction: say it once.
    if (this.issues.some((i) => i.path === where && i.message === message)) return;
    this.issues.push({ file: this.file, line: this.lineOf(path), path: where, message });
  }

  /** Converts with `parse`; on failure records "expected X, got Y" and returns undefined. */
  val<T>(parse: (v: unknown) => Parsed<T>, value: unknown, path: Path): T | undefined {
    const r = parse(value);
    if (r.ok) return r.value;
    this.issue(path, `expected ${r.expected}, got ${describeValue(value)}`);
    return undefined;
  }

  scenario(raw: RawScenario, opts: ParseOptions): Scenario | undefined {
    const durationMs = this.val(parseDurationMs, raw.duration, ['duration']);
    if (durationMs !== undefined && durationMs <= 0) this.issue(['duration'], `expected a duration > 0, got ${describeValue(raw.duration)}`);
    const duration = durationMs ?? 0;

    const phasesRaw = raw.network.map((p, i) => this.phase(p, i));
    const converted = (raw.events ?? []).map((e, i) => ({ event: this.event(e, i, duration), index: i }));
    const events = converted.map((c) => c.event).filter((e): e is ScenarioEvent => e !== undefined);
    const network = this.orderPhases(phasesRaw, converted, raw.network, duration);
    const media = this.media(raw.media, duration);
    // A webrtc call only runs live; a scenario with one and no mode is a live scenario.
    const mode = raw.mode ?? (raw.webrtc !== undefined ? 'live' : 'sim');
    if (raw.webrtc !== undefined && mode === 'sim') this.issue(['mode'], 'a webrtc call runs live: write mode: live (or remove the webrtc section)');
    if (mode === 'live' && raw.media !== undefined) this.issue(['media'], 'live runs send a camera as simulcast layers: set webrtc.layers instead of media');
    const algorithms = this.algorithms(raw, opts, mode);
    this.iceRestartGiven = algorithms.iceRestart.length > 0;
    const webrtc = mode === 'live' ? this.webrtc(raw, network, events, duration) : undefined;
    if (mode === 'live') this.noAddressChange(events, []);

    // Blocks are keyed as written in algorithms.abr/bwe/layer ("./my-abr.ts"); each expectation carries the
    // entry it names (for a file, the resolved path), the name a run of it is planned under.
    const abrWritten = writtenList(raw.algorithms?.abr);
    const layerWritten = writtenList(raw.algorithms?.layer);
    const written =
      mode === 'live'
        ? [...(layerWritten.length ? layerWritten : [DEFAULT_LIVE_LAYER_SELECTOR]), ...writtenList(raw.algorithms?.bwe), ...writtenList(raw.algorithms?.iceRestart)]
        : [...(abrWritten.length || algorithms.bwe.length ? abrWritten : ['throughput']), ...writtenList(raw.algorithms?.bwe), ...writtenList(raw.algorithms?.iceRestart)];
    const resolved = mode === 'live' ? [...(algorithms.layer ?? []), ...algorithms.bwe, ...algorithms.iceRestart] : [...algorithms.abr, ...algorithms.bwe, ...algorithms.iceRestart];
    const { expectations, issues } = parseExpectations(
      (raw.expect ?? {}) as Record<string, unknown>,
      written,
      (p) => `${this.file}:${this.lineOf(['expect', ...p]) ?? '?'}`,
    );
    for (const e of expectations) if (e.algorithm !== null) e.algorithm = resolved[written.indexOf(e.algorithm)] ?? e.algorithm;
    for (const i of issues) this.issue(['expect', ...i.path], i.message);

    if (this.issues.length) return undefined;
    return {
      file: this.file,
      name: raw.name ?? basename(this.file, extname(this.file)),
      description: raw.description ?? '',
      durationMs: duration,
      seed: raw.seed ?? 1,
      mode,
      link: raw.link ?? 'auto',
      network,
      events: events.sort((a, b) => a.atMs - b.atMs),
      media: media!,
      algorithms,
      ...(webrtc ? { webrtc } : {}),
      expect: expectations,
    };
  }

  // --- live WebRTC calls -------------------------------------------------------------------------

  private webrtc(raw: RawScenario, network: Phase[], events: ScenarioEvent[], durationMs: number): WebrtcSpec | undefined {
    const w = raw.webrtc ?? {};
    const path: Path = ['webrtc'];
    const layers = w.layers === undefined ? DEFAULT_LAYERS.map((l) => ({ ...l })) : this.simulcastLayers(w.layers, [...path, 'layers']);
    const peers = (role: 'publisher' | 'subscriber', v: number | RawWebrtcPeer[] | undefined): WebrtcPeerSpec[] => {
      const key = `${role}s`;
      if (v === undefined || typeof v === 'number') return countedPeers(role, v ?? 1, network, events);
      return v.map((p, i) => this.webrtcPeer(raw, p, role, [...path, key, i], network, events, durationMs)).filter((p): p is WebrtcPeerSpec => p !== undefined);
    };
    const publishers = peers('publisher', w.publishers);
    const subscribers = peers('subscriber', w.subscribers);
    if (publishers.length === 0 && (w.publishers === 0 || (Array.isArray(w.publishers) && w.publishers.length === 0))) {
      this.issue([...path, 'publishers'], 'expected at least one publisher, got none');
    }
    const seen = new Map<string, string>();
    for (const [key, list] of [['publishers', publishers], ['subscribers', subscribers]] as const) {
      list.forEach((p, i) => {
        const where = `webrtc.${key}[${i}]`;
        const before = seen.get(p.id);
        if (before !== undefined) this.issue([...path, key, i, 'id'], `expected a unique peer id, got "${p.id}" again (also ${before})`);
        seen.set(p.id, where);
      });
    }
    if (!layers) return undefined;
    return { codec: w.codec ?? 'VP8', layers, publishers, subscribers };
  }

  private simulcastLayers(raw: NonNullable<NonNullable<RawScenario['webrtc']>['layers']>, path: Path): SimulcastLayerSpec[] | undefined {
    const n = raw.length;
    const out: SimulcastLayerSpec[] = [];
    raw.forEach((l, i) => {
      const lp: Path = [...path, i];
      if (!/^[A-Za-z0-9]{1,16}$/.test(l.rid)) this.issue([...lp, 'rid'], `expected a rid of 1-16 letters or digits (RFC 8851), got ${describeValue(l.rid)}`);
      if (raw.findIndex((o) => o.rid === l.rid) < i) this.issue([...lp, 'rid'], `expected a unique rid, got "${l.rid}" again`);
      const maxBitrateBps = this.val(parseRate, l.maxBitrate, [...lp, 'maxBitrate']);
      if (maxBitrateBps === undefined) return;
      if (maxBitrateBps <= 0) this.issue([...lp, 'maxBitrate'], `expected a bitrate > 0, got ${describeValue(l.maxBitrate)}`);
      if (out.length && maxBitrateBps < out[out.length - 1].maxBitrateBps) {
        this.issue([...lp, 'maxBitrate'], `expected layers ascending by bitrate (lowest first), got ${describeValue(l.maxBitrate)} after ${out[out.length - 1].maxBitrateBps / 1000} kbps`);
      }
      // Default scale: the top layer at full size, each one below at half the one above.
      out.push({ rid: l.rid, scaleResolutionDownBy: l.scale ?? 2 ** (n - 1 - i), maxBitrateBps });
    });
    return out.length === n ? out : undefined;
  }

  /** A peer's link: its own phases and events, or the scenario's (docs/scenario-format.md, "Live WebRTC"). */
  private webrtcPeer(
    raw: RawScenario,
    p: RawWebrtcPeer,
    role: 'publisher' | 'subscriber',
    path: Path,
    network: Phase[],
    events: ScenarioEvent[],
    durationMs: number,
  ): WebrtcPeerSpec | undefined {
    if (!PEER_ID.test(p.id)) this.issue([...path, 'id'], `expected a peer id of 1-64 letters, digits, "_", "." or "-", got ${describeValue(p.id)}`);
    if (p.codec !== undefined && role === 'subscriber') this.issue([...path, 'codec'], "a subscriber receives the publishers' codec: remove codec");
    const codec = p.codec ?? null;
    if (p.network === undefined && p.events === undefined) return { id: p.id, role, codec, network, events, ownLink: false };
    const rawPhases = p.network ?? raw.network;
    // Phases written in the peer are located there; the scenario's phases where they are written.
    const phasePrefix: Path = p.network !== undefined ? path : [];
    const phases = rawPhases.map((ph, j) => this.phase(ph, j, phasePrefix));
    const rawEvents = p.events ?? [];
    const converted = rawEvents.map((e, j) => ({ event: this.event(e, j, durationMs, path), index: j }));
    const own = converted.map((c) => c.event).filter((e): e is ScenarioEvent => e !== undefined);
    const peerNetwork = this.orderPhases(phases, converted, rawPhases, durationMs, phasePrefix, path);
    this.noAddressChange(own, path);
    return { id: p.id, role, codec, network: peerNetwork, events: own.sort((a, b) => a.atMs - b.atMs), ownLink: true };
  }

  /** The relay moves a peer to a new port: only an ICE-restart policy (algorithms.iceRestart) brings it back. */
  private noAddressChange(events: ScenarioEvent[], prefix: Path): void {
    if (this.iceRestartGiven) return;
    events.forEach((e, i) => {
      if (e.type === 'handover' && e.addressChange) {
        this.issue(
          [...prefix, 'events', i, 'addressChange'],
          `a live address change needs algorithms.iceRestart (${iceRestartNames().join(', ')}; none measures the browser alone), or set addressChange: false`,
        );
      }
    });
  }

  // --- network -------------------------------------------------------------------------------

  private phase(raw: RawPhase, i: number, prefix: Path = []): Phase | undefined {
    const path: Path = [...prefix, 'network', i];
    let preset: Preset | undefined;
    if (raw.preset !== undefined) {
      preset = getPreset(raw.preset);
      if (!preset) {
        this.issue([...path, 'preset'], `expected one of ${PRESETS.map((p) => p.name).join(', ')}, got ${describeValue(raw.preset)}${didYouMean(raw.preset, PRESETS.map((p) => p.name))}`);
        return undefined;
      }
    }
    if (raw.rtt !== undefined && raw.delay !== undefined) this.issue([...path, 'delay'], 'expected either rtt or delay (one-way), got both');
    const atMs = raw.at === undefined ? null : this.val(parseDurationMs, raw.at, [...path, 'at']);
    if (atMs === undefined) return undefined;
    const down = this.direction('down', raw, raw.downlink, preset, path);
    const up = this.direction('up', raw, raw.uplink, preset, path);
    if (!down || !up) return undefined;
    return { name: raw.name ?? (preset ? preset.name : `phase-${i}`), atMs, preset: preset?.name ?? null, down, up };
  }

  private direction(dir: 'down' | 'up', phase: RawPhase, over: RawDirectionOverride | undefined, preset: Preset | undefined, path: Path): DirectionSpec | undefined {
    const overPath: Path = [...path, dir === 'down' ? 'downlink' : 'uplink'];
    const p = preset?.[dir];

    let capacity: CapacitySpec | undefined;
    if (over?.capacity !== undefined) capacity = this.capacity(over.capacity, [...overPath, 'capacity']);
    else if (phase[dir] !== undefined) capacity = this.capacity(phase[dir], [...path, dir]);
    else if (p) capacity = { kind: 'constant', bps: p.bps };
    else {
      this.issue(path, `missing ${dir} capacity: give "${dir}: 5Mbps" (or a trace), or a preset`);
      return undefined;
    }

    let delayMs: number | undefined;
    if (over?.delay !== undefined) delayMs = this.val(parseDurationMs, over.delay, [...overPath, 'delay']);
    else if (phase.delay !== undefined) delayMs = this.val(parseDurationMs, phase.delay, [...path, 'delay']);
    else if (phase.rtt !== undefined) {
      const rtt = this.val(parseDurationMs, phase.rtt, [...path, 'rtt']);
      delayMs = rtt === undefined ? undefined : rtt / 2;
    } else delayMs = p?.delayMs ?? 0;

    const jitter =
      over?.jitter !== undefined
        ? this.jitter(over.jitter, [...overPath, 'jitter'])
        : phase.jitter !== undefined
          ? this.jitter(phase.jitter, [...path, 'jitter'])
          : ({ ms: p?.jitterMs ?? 0, distribution: 'normal', reorder: false } satisfies JitterSpec);
    const loss =
      over?.loss !== undefined
        ? this.loss(over.loss, [...overPath, 'loss'])
        : phase.loss !== undefined
          ? this.loss(phase.loss, [...path, 'loss'])
          : p && p.lossRate > 0
            ? ({ model: 'bernoulli', rate: p.lossRate } satisfies LossSpec)
            : ({ model: 'none' } satisfies LossSpec);
    const queueRaw = over?.queue ?? phase.queue;
    const queuePath: Path = over?.queue !== undefined ? [...overPath, 'queue'] : [...path, 'queue'];
    const queueLimit = queueRaw !== undefined ? this.val(parseQueue, queueRaw, queuePath) : (preset?.queue ?? DEFAULT_QUEUE);
    if (!capacity || delayMs === undefined || !jitter || !loss || !queueLimit) return undefined;
    return { capacity, delayMs, jitter, loss, queue: { limit: queueLimit.limit, unit: queueLimit.unit, discipline: 'droptail' } };
  }

  private capacity(raw: RawCapacity, path: Path): CapacitySpec | undefined {
    if (typeof raw !== 'object') {
      const bps = this.val(parseRate, raw, path);
      return bps === undefined ? undefined : { kind: 'constant', bps };
    }
    const file = isAbsolute(raw.trace) ? raw.trace : resolve(this.baseDir, raw.trace);
    const key = `${file}|${raw.format ?? ''}`;
    let trace = this.traceCache.get(key);
    if (!trace) {
      try {
        trace = loadTrace(file, raw.format);
      } catch (err) {
        const msg = err instanceof ScenarioError ? err.issues.map((i) => `${i.line ? `${i.file}:${i.line}` : i.file}${i.path ? ` ${i.path}` : ''}: ${i.message}`).join('; ') : String(err);
        this.issue([...path, 'trace'], `trace ${raw.trace}: ${msg}`);
        return undefined;
      }
      if (traceMeanBps(trace) <= 0) {
        this.issue([...path, 'trace'], `expected a trace with some capacity, got ${raw.trace} with none`);
        return undefined;
      }
      this.traceCache.set(key, trace);
    }
    const offsetMs = raw.offset === undefined ? 0 : this.val(parseDurationMs, raw.offset, [...path, 'offset']);
    if (offsetMs === undefined) return undefined;
    const loop = raw.loop ?? true;
    if (!loop && offsetMs >= trace.periodMs) {
      // Past the end of a trace that does not loop, the capacity is 0: the phase would carry nothing.
      this.issue([...path, 'offset'], `expected an offset within the trace (${trace.periodMs / 1000} s long, loop: false), got ${describeValue(raw.offset)}`);
      return undefined;
    }
    return { kind: 'trace', trace, scale: raw.scale ?? 1, offsetMs, loop };
  }

  private jitter(raw: RawJitter, path: Path): JitterSpec | undefined {
    if (typeof raw !== 'object') {
      const ms = this.val(parseDurationMs, raw, path);
      return ms === undefined ? undefined : { ms, distribution: 'normal', reorder: false };
    }
    const ms = this.val(parseDurationMs, raw.ms, [...path, 'ms']);
    return ms === undefined ? undefined : { ms, distribution: raw.distribution ?? 'normal', reorder: raw.reorder ?? false };
  }

  private loss(raw: RawLoss, path: Path): LossSpec | undefined {
    if (typeof raw !== 'object') {
      const rate = this.val(parseFraction, raw, path);
      if (rate === undefined) return undefined;
      return rate === 0 ? { model: 'none' } : { model: 'bernoulli', rate };
    }
    if (raw.model === 'none') return { model: 'none' };
    if (raw.model === 'bernoulli') {
      const rate = this.val(parseFraction, raw.rate, [...path, 'rate']);
      return rate === undefined ? undefined : { model: 'bernoulli', rate };
    }
    const lossGood = raw.lossGood === undefined ? 0 : this.val(parseFraction, raw.lossGood, [...path, 'lossGood']);
    const lossBad = raw.lossBad === undefined ? 1 : this.val(parseFraction, raw.lossBad, [...path, 'lossBad']);
    if (lossGood === undefined || lossBad === undefined) return undefined;
    if (raw.rate !== undefined || raw.burst !== undefined) {
      // Mean loss and mean burst length: with lossBad 100% and lossGood 0, the mean burst is 1/r
      // packets and the stationary loss p/(p+r); solve for p and r.
      if (raw.p !== undefined || raw.r !== undefined) {
        this.issue(path, 'expected either p and r, or rate and burst, got both forms');
        return undefined;
      }
      const stateLoss = raw.lossGood !== undefined ? 'lossGood' : raw.lossBad !== undefined ? 'lossBad' : null;
      if (stateLoss) {
        // The rate/burst solution below holds only for a loss-free good state and a lossy bad one.
        this.issue([...path, stateLoss], `rate and burst assume lossGood 0% and lossBad 100%: give p and r to set ${stateLoss}`);
        return undefined;
      }
      if (raw.rate === undefined || raw.burst === undefined) {
        this.issue(path, `expected both rate and burst, got only ${raw.rate === undefined ? 'burst' : 'rate'}`);
        return undefined;
      }
      const rate = this.val(parseFraction, raw.rate, [...path, 'rate']);
      if (rate === undefined) return undefined;
      if (!(raw.burst >= 1)) {
        this.issue([...path, 'burst'], `expected a mean burst length >= 1 packet, got ${raw.burst}`);
        return undefined;
      }
      if (rate >= 1) {
        this.issue([...path, 'rate'], `expected a loss rate below 100% for a bursty model, got ${describeValue(raw.rate)}`);
        return undefined;
      }
      const r = 1 / raw.burst;
      return { model: 'gilbert-elliott', p: (rate * r) / (1 - rate), r, lossGood: 0, lossBad: 1 };
    }
    const p = raw.p === undefined ? undefined : this.val(parseFraction, raw.p, [...path, 'p']);
    const r = raw.r === undefined ? undefined : this.val(parseFraction, raw.r, [...path, 'r']);
    if (raw.p === undefined || raw.r === undefined) {
      this.issue(path, `expected p and r (or rate and burst), got ${raw.p === undefined ? 'no p' : 'no r'}`);
      return undefined;
    }
    if (p === undefined || r === undefined) return undefined;
    if (r === 0) {
      this.issue([...path, 'r'], 'expected r > 0 (with r = 0 the bad state never ends), got 0');
      return undefined;
    }
    return { model: 'gilbert-elliott', p, r, lossGood, lossBad };
  }

  // --- events ------------------------------------------------------------------------------------

  private event(raw: RawEvent, i: number, durationMs: number, prefix: Path = []): ScenarioEvent | undefined {
    const path: Path = [...prefix, 'events', i];
    const atMs = this.val(parseDurationMs, raw.at, [...path, 'at']);
    if (atMs === undefined) return undefined;
    if (atMs >= durationMs && durationMs > 0) {
      this.issue([...path, 'at'], `expected a time before the scenario's end (${durationMs / 1000} s), got ${describeValue(raw.at)}`);
      return undefined;
    }
    const dur = (v: unknown, key: string) => this.val(parseDurationMs, v, [...path, key]);
    // An outage or loss burst of 0 s does nothing: almost always a unit slip ("0.5" for "0.5s" is refused earlier).
    const positiveDur = (v: unknown, key: string) => {
      const ms = dur(v, key);
      if (ms !== undefined && ms <= 0) {
        this.issue([...path, key], `expected a duration > 0, got ${describeValue(v)}`);
        return undefined;
      }
      return ms;
    };
    switch (raw.type) {
      case 'handover': {
        const outageMs = raw.outage === undefined ? 0 : dur(raw.outage, 'outage');
        if (outageMs === undefined) return undefined;
        // `networkSignal: none` (no OS signal) or a delay after the new link is up (default 0s).
        const networkSignalDelayMs =
          raw.networkSignal === undefined
            ? 0
            : raw.networkSignal === 'none'
              ? null
              : this.val(durationOrNone, raw.networkSignal, [...path, 'networkSignal']);
        if (networkSignalDelayMs === undefined) return undefined;
        return { type: 'handover', atMs, to: raw.to, outageMs, addressChange: raw.addressChange ?? true, ...(networkSignalDelayMs !== 0 ? { networkSignalDelayMs } : {}) };
      }
      case 'outage': {
        const durationMs2 = positiveDur(raw.duration, 'duration');
        return durationMs2 === undefined ? undefined : { type: 'outage', atMs, durationMs: durationMs2, direction: raw.direction ?? 'both' };
      }
      case 'lossBurst': {
        const d = positiveDur(raw.duration, 'duration');
        const rate = this.val(parseFraction, raw.loss, [...path, 'loss']);
        return d === undefined || rate === undefined ? undefined : { type: 'lossBurst', atMs, durationMs: d, rate, direction: raw.direction ?? 'both' };
      }
      case 'capacityStep': {
        if ((raw.factor === undefined) === (raw.rate === undefined)) {
          this.issue(path, `expected exactly one of factor (x0.5) and rate ("1Mbps"), got ${raw.factor === undefined ? 'neither' : 'both'}`);
          return undefined;
        }
        const d = raw.duration === undefined ? null : dur(raw.duration, 'duration');
        const bps = raw.rate === undefined ? null : this.val(parseRate, raw.rate, [...path, 'rate']);
        if (d === undefined || bps === undefined) return undefined;
        return { type: 'capacityStep', atMs, durationMs: d, factor: raw.factor ?? null, bps, direction: raw.direction ?? 'both' };
      }
    }
  }

  /** Sorts phases by effective start and checks handover targets against phase starts. */
  private orderPhases(
    phases: (Phase | undefined)[],
    events: { event: ScenarioEvent | undefined; index: number }[],
    raw: RawPhase[],
    durationMs: number,
    prefix: Path = [],
    eventPrefix: Path = prefix,
  ): Phase[] {
    const names = new Map<string, number>();
    // Names written in the file first: a default name (the preset's) gives way to them, not the reverse.
    const named = phases.map((p, i) => ({ p, i })).filter((x) => x.p !== undefined);
    for (const { p, i } of [...named.filter((x) => raw[x.i].name !== undefined), ...named.filter((x) => raw[x.i].name === undefined)]) {
      if (names.has(p!.name)) {
        if (raw[i].name === undefined) p!.name = `${p!.name}-${i}`;
        else this.issue([...prefix, 'network', i, 'name'], `expected a unique phase name, got "${p!.name}" again (also network[${names.get(p!.name)}])`);
      }
      names.set(p!.name, i);
    }
    const starts = new Map<number, number>();
    events.forEach(({ event: e, index }) => {
      if (e?.type !== 'handover') return;
      const target = names.get(e.to);
      const evPath: Path = [...eventPrefix, 'events', index];
      if (target === undefined) {
        // A phase of that name that failed to convert has its own error already.
        if (raw.some((r, i) => !phases[i] && (r.name ?? r.preset) === e.to)) return;
        this.issue([...evPath, 'to'], `expected the name of a phase in network, got "${e.to}"${didYouMean(e.to, names.keys())}`);
        return;
      }
      const p = phases[target]!;
      if (p.atMs !== null && p.atMs !== e.atMs) {
        this.issue([...evPath, 'at'], `phase "${p.name}" starts at ${p.atMs / 1000} s but the handover to it is at ${e.atMs / 1000} s: drop the phase's "at" or make them equal`);
      }
      if (starts.has(target) && p.atMs === null) this.issue([...evPath, 'to'], `phase "${p.name}" without "at" is already the target of another handover; give each its own phase`);
      starts.set(target, e.atMs);
    });
    phases.forEach((p, i) => {
      if (p && p.atMs === null && !starts.has(i)) this.issue([...prefix, 'network', i], `phase "${p.name}" has no "at" and no handover leads to it: give it "at" or a handover event`);
      if (p && p.atMs !== null && durationMs > 0 && p.atMs >= durationMs) this.issue([...prefix, 'network', i, 'at'], `expected a start before the scenario's end (${durationMs / 1000} s), got ${p.atMs / 1000} s`);
    });
    const effective = phases
      .map((p, i) => ({ p, i, t: p ? (p.atMs ?? starts.get(i) ?? Infinity) : Infinity }))
      .filter((x) => x.p)
      .sort((a, b) => a.t - b.t || a.i - b.i);
    for (let k = 1; k < effective.length; k++) {
      const [a, b] = [effective[k - 1], effective[k]];
      if (a.t !== b.t || !Number.isFinite(b.t)) continue;
      // The link enters both at once and the later one wins: the earlier would never be in force.
      this.issue(b.p!.atMs === null ? [...prefix, 'network', b.i] : [...prefix, 'network', b.i, 'at'], `phase "${b.p!.name}" starts at ${b.t / 1000} s like phase "${a.p!.name}": give each phase its own start`);
    }
    if (effective.length && effective[0].t !== 0 && this.issues.length === 0) {
      this.issue([...prefix, 'network', effective[0].i, 'at'], `expected the first phase to start at 0s, got ${effective[0].t / 1000} s`);
    }
    return effective.map((x) => x.p!);
  }

  // --- media and algorithms --------------------------------------------------------------------

  private media(raw: RawMedia | undefined, durationMs: number): MediaSpec | undefined {
    const m = raw ?? {};
    const path: Path = ['media'];
    const bufferMaxMs = m.buffer === undefined ? undefined : this.val(parseDurationMs, m.buffer, [...path, 'buffer']);
    const startupBufferMs = m.startup === undefined ? undefined : this.val(parseDurationMs, m.startup, [...path, 'startup']);
    if ((m.buffer !== undefined && bufferMaxMs === undefined) || (m.startup !== undefined && startupBufferMs === undefined)) return undefined;

    let media: MediaSpec;
    if (m.manifest !== undefined) {
      for (const k of ['ladder', 'segment', 'length'] as const) {
        if (m[k] !== undefined) this.issue([...path, k], `a manifest sets the ladder and segments: remove "${k}"`);
      }
      const file = isAbsolute(m.manifest) ? m.manifest : resolve(this.baseDir, m.manifest);
      try {
        media = manifestMedia(file, loadSabreManifest(file), { bufferMaxMs, startupBufferMs, segmentCount: m.segments });
      } catch (err) {
        this.issue([...path, 'manifest'], err instanceof ScenarioError ? err.message : String(err));
        return undefined;
      }
    } else {
      const segmentDurationMs = m.segment === undefined ? DEFAULT_SEGMENT_MS : this.val(parseDurationMs, m.segment, [...path, 'segment']);
      if (segmentDurationMs === undefined) return undefined;
      if (segmentDurationMs <= 0) {
        this.issue([...path, 'segment'], `expected a segment duration > 0, got ${describeValue(m.segment)}`);
        return undefined;
      }
      if (m.length !== undefined && m.segments !== undefined) this.issue([...path, 'segments'], 'expected either length or segments, got both');
      const lengthMs = m.segments !== undefined ? m.segments * segmentDurationMs : m.length === undefined ? durationMs : this.val(parseDurationMs, m.length, [...path, 'length']);
      if (lengthMs === undefined) return undefined;
      const rungs = m.ladder
        ? m.ladder.map((r, i) => {
            const rp: Path = [...path, 'ladder', i];
            let bitrateBps = this.val(parseRate, r.bitrate, [...rp, 'bitrate']) ?? 1;
            if (bitrateBps <= 0) {
              // A 0 bit/s rung has empty segments and a utility of log(0) for BOLA.
              this.issue([...rp, 'bitrate'], `expected a bitrate > 0, got ${describeValue(r.bitrate)}`);
              bitrateBps = 1;
            }
            const res = r.resolution === undefined ? guessResolution(bitrateBps) : (this.val(parseResolution, r.resolution, [...rp, 'resolution']) ?? { width: 0, height: 0 });
            return { bitrateBps, ...res, fps: r.fps ?? 30 };
          })
        : DEFAULT_LADDER;
      // Quality indexes are ladder positions: two rungs of one bitrate make "up a quality" meaningless.
      // (Rungs with their own error read as 1 bit/s and are left out.)
      const seenBitrate = new Map<number, number>();
      rungs.forEach((r, i) => {
        if (!m.ladder || r.bitrateBps <= 1) return;
        const first = seenBitrate.get(r.bitrateBps);
        if (first === undefined) seenBitrate.set(r.bitrateBps, i);
        else this.issue([...path, 'ladder', i, 'bitrate'], `expected a bitrate no other rung has, got ${describeValue(m.ladder[i].bitrate)} as rung ${first} has`);
      });
      media = ladderMedia({ rungs, segmentDurationMs, lengthMs: Math.max(lengthMs, segmentDurationMs), bufferMaxMs, startupBufferMs });
    }
    if (media.segmentDurationMs > media.bufferMaxMs) this.issue([...path, 'buffer'], `expected a buffer of at least one segment (${media.segmentDurationMs / 1000} s), got ${media.bufferMaxMs / 1000} s`);
    if (media.startupBufferMs > media.bufferMaxMs) this.issue([...path, 'startup'], `expected a startup buffer no larger than the buffer (${media.bufferMaxMs / 1000} s), got ${media.startupBufferMs / 1000} s`);
    return media;
  }

  private algorithms(raw: RawScenario, opts: ParseOptions, mode: 'sim' | 'live'): Scenario['algorithms'] {
    const bwe = this.algorithmList(raw, 'bwe', opts.bweNames, [], './my-bwe.ts');
    if (mode === 'live') {
      if (raw.algorithms?.abr !== undefined) {
        this.issue(['algorithms', 'abr'], 'live runs choose simulcast layers with algorithms.layer (any ABR as "abr:<name>"): move it there');
      }
      const layer = this.algorithmList(raw, 'layer', opts.layerNames, [DEFAULT_LIVE_LAYER_SELECTOR], './my-selector.ts');
      const iceRestart = this.algorithmList(raw, 'iceRestart', iceRestartNames(), [], './my-policy.ts');
      return { abr: [], bwe, iceRestart, layer };
    }
    if (raw.algorithms?.layer !== undefined) {
      this.issue(['algorithms', 'layer'], 'layer selectors choose simulcast layers in live runs: add mode: live (and a webrtc section), or remove it');
    }
    // A scenario that lists estimators and no ABR is a BWE scenario: no default player to run.
    const abr = this.algorithmList(raw, 'abr', opts.abrNames, bwe.length ? [] : ['throughput'], './my-abr.ts');
    // ICE-restart policies run when the scenario runs live (--mode live): checked here all the same.
    const iceRestart = this.algorithmList(raw, 'iceRestart', iceRestartNames(), [], './my-policy.ts');
    return { abr, bwe, iceRestart };
  }

  /** Names checked against the registry (with did-you-mean), files resolved against the scenario's folder. */
  private algorithmList(
    raw: RawScenario,
    kind: 'abr' | 'bwe' | 'layer' | 'iceRestart',
    known: readonly string[] | undefined,
    fallback: string[],
    exampleFile: string,
  ): string[] {
    const written = writtenList(raw.algorithms?.[kind]);
    const names = written.length ? written : fallback;
    return names.map((name, i) => {
      const path: Path = typeof raw.algorithms?.[kind] === 'string' ? ['algorithms', kind] : ['algorithms', kind, i];
      // Runs and their results are named by algorithm: the same one twice would be two rows of one name.
      const first = names.indexOf(name);
      if (first < i) this.issue(path, `expected each algorithm once, got "${name}" again (also algorithms.${kind}[${first}])`);
      if (looksLikePath(name)) {
        const file = isAbsolute(name) ? name : resolve(this.baseDir, name);
        if (!existsSync(file)) this.issue(path, `expected an algorithm file, got "${name}" (no such file: ${file})`);
        return file;
      }
      if (known && !known.includes(name)) {
        const orFile = exampleFile ? ` or a file (${exampleFile})` : '';
        this.issue(path, `expected one of ${known.join(', ')}${orFile}, got "${name}"${didYouMean(name, known)}`);
      }
      return name;
    });
  }
}

/** A count of peers: ids pub-1, pub-2 / sub-1, ... (the SFU's own naming), each on the scenario's network. */
function countedPeers(role: 'publisher' | 'subscriber', n: number, network: Phase[], events: ScenarioEvent[]): WebrtcPeerSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${role === 'publisher' ? 'pub' : 'sub'}-${i + 1}`, role, codec: null, network, events, ownLink: false }));
}

/** The call of a live run whose scenario has no webrtc section (`netqoe run --mode live` on any scenario). */
export function defaultWebrtc(s: Pick<Scenario, 'network' | 'events'>): WebrtcSpec {
  const subscribers = countedPeers('subscriber', 1, s.network, s.events);
  // A handover moves a phone: the publisher (the scenario's client) moves; the subscriber at the far end
  // stays on the network the phone started on, without the scenario's events (scenarios/wifi-to-4g-handover.yaml).
  if (s.events.some((e) => e.type === 'handover')) {
    const first = s.network.find((p) => p.atMs === 0) ?? s.network[0];
    for (const sub of subscribers) Object.assign(sub, { network: [{ ...first, atMs: 0 }], events: [], ownLink: true });
  }
  return {
    codec: 'VP8',
    layers: DEFAULT_LAYERS.map((l) => ({ ...l })),
    publishers: countedPeers('publisher', 1, s.network, s.events),
    subscribers,
  };
}

function writtenList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

export function looksLikePath(name: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(name) || /\.(ts|mts|js|mjs)$/.test(name);
}

// ---------------------------------------------------------------------------------------------
// `netqoe run --trace FILE [--manifest FILE]`: a scenario without YAML

export interface QuickScenarioOptions {
  traceFile: string;
  manifestFile?: string;
  abr: string[];
  seed?: number;
  /**
   * One RTT for the whole session. Default: a Sabre trace's own latencies, entry by entry (see
   * requestLatencyPhases), else 40 ms.
   */
  rttMs?: number;
  /** Default: the video's length plus 60 s of slack with a manifest, else one pass of the trace. */
  durationMs?: number;
}

/**
 * Sabre (src/sabre.py, NetworkModel.do_latency_delay) makes each request wait the latency_ms of the trace
 * entry in force before its first bit, like a round trip. netqoe's link has one propagation delay per
 * phase, so a trace whose latency changes becomes one phase per run of equal latency, as long as the
 * session lasts (the trace loops), each with RTT = that latency; a constant latency (or none) stays one
 * phase. The one difference left: a request whose latency straddles an entry boundary pays the latency
 * in force when it was made (Sabre blends the two entries' latencies in proportion).
 */
export function requestLatencyPhases(trace: CapacityTrace, durationMs: number, fallbackRttMs = 40): { atMs: number; rttMs: number }[] {
  const lat = trace.latencyMs;
  if (!lat?.length) return [{ atMs: 0, rttMs: fallbackRttMs }];
  const out: { atMs: number; rttMs: number }[] = [];
  for (let passMs = 0; passMs < durationMs; passMs += trace.periodMs) {
    for (let i = 0; i < lat.length; i++) {
      const atMs = passMs + trace.startMs[i];
      if (atMs >= durationMs && out.length > 0) break;
      if (out.length === 0 || out[out.length - 1].rttMs !== lat[i]) out.push({ atMs, rttMs: lat[i] });
    }
  }
  return out;
}

export function quickScenario(o: QuickScenarioOptions): Scenario {
  const trace = loadTrace(o.traceFile);
  const manifest = o.manifestFile ? loadSabreManifest(o.manifestFile) : undefined;
  const videoMs = manifest ? manifest.segmentDurationMs * manifest.segmentSizesBits.length : undefined;
  const durationMs = o.durationMs ?? (videoMs !== undefined ? videoMs + 60_000 : Math.max(60_000, trace.periodMs));
  const latencies = o.rttMs !== undefined ? [{ atMs: 0, rttMs: o.rttMs }] : requestLatencyPhases(trace, durationMs);
  const media = manifest
    ? manifestMedia(o.manifestFile!, manifest, {})
    : ladderMedia({ rungs: DEFAULT_LADDER, segmentDurationMs: DEFAULT_SEGMENT_MS, lengthMs: durationMs });
  const dir = (capacity: CapacitySpec, rttMs: number): DirectionSpec => ({
    capacity,
    delayMs: rttMs / 2,
    jitter: { ms: 0, distribution: 'normal', reorder: false },
    loss: { model: 'none' },
    queue: { ...DEFAULT_QUEUE },
  });
  return {
    file: o.traceFile,
    name: basename(o.traceFile),
    description: `trace ${basename(o.traceFile)}${o.manifestFile ? ` with manifest ${basename(o.manifestFile)}` : ''}`,
    durationMs,
    seed: o.seed ?? 1,
    mode: 'sim',
    link: 'auto',
    network: latencies.map(({ atMs, rttMs }) => ({
      name: latencies.length === 1 ? 'trace' : `trace@${atMs / 1000}s`,
      atMs,
      preset: null,
      // Each phase reads the trace from where the session is in it, so the capacity is one looping trace.
      down: dir({ kind: 'trace', trace, scale: 1, offsetMs: atMs % trace.periodMs, loop: true }, rttMs),
      // The uplink carries only requests: give it the trace's mean so it never limits them.
      up: dir({ kind: 'constant', bps: Math.max(1e6, traceMeanBps(trace)) }, rttMs),
    })),
    events: [],
    media,
    algorithms: { abr: o.abr, bwe: [], iceRestart: [] },
    expect: [],
  };
}

/** networkSignal's delay: parsed as a duration, with "none" named in the error (the caller handles "none" itself). */
function durationOrNone(v: unknown): ReturnType<typeof parseDurationMs> {
  const r = parseDurationMs(v);
  return r.ok ? r : { ...r, expected: `"none" or ${r.expected}` };
}
