// Compiles a scenario's link timeline into tc/ip argv steps for the kernel backend (tc-netem(8), tc-tbf(8),
// ip-netns(8); mapping and its reasons in docs/link-backends.md). Pure: no I/O, no clock.
//
// Topology: two namespaces joined by a veth pair; all shaping sits on the client's side:
//   up   = egress of the client's veth:                 netem (delay, jitter, loss) -> tbf child (rate, queue)
//   down = ingress of the client's veth, redirected to an IFB device, shaped on the IFB's egress the same way.
// netem at the root and the bottleneck in a tbf child (not netem's own `rate`) so that a trace step only
// changes the tbf: netem's Gilbert-Elliott state restarts in "good" on every netem change.
import type { LinkModel } from '../link/types.ts';
import type { Direction, LossSpec, QueueSpec, Scenario } from '../scenario/types.ts';
import { DEFAULT_TRACE_STEP_MS, linkWindows, type LinkWindow } from './link-windows.ts';

/** Addresses come from 198.18.0.0/15 (RFC 2544, reserved for benchmarking), configured inside the namespaces only. */
export const TEST_SUBNET = { serverAddr: '198.18.0.1', clientBase: '198.18.0.', firstClientHost: 2, prefixLen: 24 } as const;
/** Packet size used to turn byte and time limits into packet counts (netem's limit is in packets). */
export const PACKET_BYTES = 1500;
/** A full-size packet on the veth as tc counts it (IP packet + 14-byte Ethernet header). */
export const FRAME_BYTES = 1514;
/** tbf cannot run at 0 bit/s: trace stretches at 0 get this trickle (a queue forms and overflows, as in the model). */
export const DEFAULT_MIN_RATE_BPS = 8_000;
/** netem `rate` far above any scenario: only there to make netem keep packet order under jitter (reorder: false). */
export const NO_REORDER_RATE = '10gbit';

export interface TcTopology {
  clientNetns: string;
  serverNetns: string;
  /** The client's veth end (in clientNetns): up is shaped on its egress, down on its ingress (via ifbDev). */
  clientDev: string;
  /** The server's veth end (in serverNetns), unshaped. */
  serverDev: string;
  ifbDev: string;
  serverAddr: string;
  prefixLen: number;
  /** The client's address from each time on (a handover with addressChange moves it to the next one). */
  clientAddrs: { fromMs: number; addr: string }[];
}

export interface TcStep {
  atMs: number;
  kind: 'setup' | 'update' | 'teardown';
  label: string;
  /** argv arrays, run in order (never through a shell). */
  commands: string[][];
}

export interface TcPlan {
  topology: TcTopology;
  durationMs: number;
  stepMs: number;
  setup: TcStep;
  /** Timed changes, sorted by atMs (all > 0). */
  updates: TcStep[];
  /** Deletes both namespaces, which removes the veth pair, the IFB and every qdisc and filter. */
  teardown: TcStep;
  windows: Record<Direction, LinkWindow[]>;
  /** Approximations this scenario needs (shown by `netqoe link --backend netem` and in the results). */
  notes: string[];
}

export interface TcCompileOptions {
  /** Names the namespaces nq-<runId>-c / nq-<runId>-s; letters, digits and '-', at most 24. Default 'run'. */
  runId?: string;
  /** Grid for measured traces, ms (default 100). */
  stepMs?: number;
  /** netem `seed` (iproute2 >= 6.5, kernel >= 6.6) for repeatable loss; omitted by default. */
  netemSeed?: number;
  /** Give the client a new address at a handover with addressChange (default true). */
  remapAddressOnHandover?: boolean;
  minRateBps?: number;
}

/** All steps in the order they run: setup, updates, teardown. */
export function planSteps(plan: TcPlan): TcStep[] {
  return [plan.setup, ...plan.updates, plan.teardown];
}

/** A fraction as a tc percentage: 0.005 -> "0.5%" (at most 6 decimals). */
export function formatPercent(fraction: number): string {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`expected a fraction in [0, 1], got ${fraction}`);
  return `${Number((fraction * 100).toFixed(6))}%`;
}

function formatUs(ms: number): string {
  return `${Math.max(0, Math.round(ms * 1000))}us`;
}

/**
 * The scenario's queue as a byte limit for tbf: packets x 1500 B; bytes as given; ms x capacity / 8.
 * At least one full frame (a smaller limit would drop every full-size packet).
 */
export function queueLimitBytes(queue: QueueSpec, capacityBps: number): number {
  let bytes: number;
  if (queue.unit === 'packets') bytes = queue.limit * PACKET_BYTES;
  else if (queue.unit === 'bytes') bytes = queue.limit;
  else bytes = (capacityBps * queue.limit) / 8000;
  return Math.max(FRAME_BYTES, Math.ceil(bytes));
}

/** The scenario's queue in 1500-byte packets (netem and throttle count packets): at least 1. */
export function queueLimitPackets(queue: QueueSpec, capacityBps: number): number {
  if (queue.unit === 'packets') return Math.max(1, Math.ceil(queue.limit));
  const bytes = queue.unit === 'bytes' ? queue.limit : (capacityBps * queue.limit) / 8000;
  return Math.max(1, Math.ceil(bytes / PACKET_BYTES));
}

/** How far jitter can stretch the delay, for sizing the delay line (pareto: netem's table stops at 3.5 x scale). */
function jitterReachMs(w: LinkWindow): number {
  if (!(w.jitter.ms > 0)) return 0;
  return w.jitter.distribution === 'uniform' ? w.jitter.ms : w.jitter.distribution === 'normal' ? 3 * w.jitter.ms : 3.5 * w.jitter.ms;
}

/**
 * netem's limit counts every packet it holds: those in its delay line and those queued in the tbf child.
 * Sized for 1500-byte packets at the direction's peak capacity, with 2x headroom and at least 1000 (netem's
 * default), so that it never binds before the tbf's byte limit, which is the scenario's queue.
 */
export function netemLimitPackets(w: LinkWindow, peakBps: number): number {
  const delayLine = Math.ceil((peakBps * (w.delayMs + jitterReachMs(w))) / 8000 / PACKET_BYTES);
  return Math.max(1000, 2 * (delayLine + queueLimitPackets(w.queue, peakBps)));
}

/**
 * netem's Gilbert-Elliott model: `loss gemodel p r 1-h 1-k` with p = P(good->bad), r = P(bad->good),
 * 1-h = loss probability in the bad state, 1-k = loss probability in the good state (tc-netem(8); iproute2
 * stores h = 1 - arg3, and the kernel drops in bad when rnd > h, in good when rnd < arg4).
 */
export function gemodelArgs(loss: Extract<LossSpec, { model: 'gilbert-elliott' }>): string[] {
  return ['loss', 'gemodel', formatPercent(loss.p), formatPercent(loss.r), formatPercent(loss.lossBad), formatPercent(loss.lossGood)];
}

export function lossArgs(loss: LossSpec, outage: boolean): string[] {
  if (outage) return ['loss', 'random', '100%'];
  if (loss.model === 'bernoulli') return loss.rate > 0 ? ['loss', 'random', formatPercent(loss.rate)] : [];
  if (loss.model === 'gilbert-elliott') return gemodelArgs(loss);
  return [];
}

/** What a netem change leaves behind when not resent: its delay table and its rate (the kernel keeps both). */
interface NetemInstalled {
  table: 'normal' | 'pareto' | null;
  rate: boolean;
}

export interface NetemRender {
  args: string[];
  table: 'normal' | 'pareto' | null;
  rate: boolean;
  /** A `change` cannot drop an installed delay table: the qdiscs must be deleted and added again. */
  recreate: boolean;
}

/**
 * netem arguments for one window. Jitter: uniform = netem's default (no table), U(delay - j, delay + j);
 * normal = `distribution normal`, N(delay, j); pareto: netem's table is a zero-mean Lomax (shape 3) with scale
 * 4j/3, so j = 3/4 x scale and the delay gains scale/2 to match the model's Lomax(scale) >= 0.
 */
export function netemArgs(
  w: LinkWindow,
  limitPackets: number,
  installed: NetemInstalled | null,
  opts: { netemSeed?: number } = {},
): NetemRender {
  const args = ['netem', 'limit', String(limitPackets)];
  const j = w.jitter;
  let table: 'normal' | 'pareto' | null = installed?.table ?? null;
  let recreate = false;
  if (j.ms > 0) {
    if (j.distribution === 'uniform') {
      args.push('delay', formatUs(w.delayMs), formatUs(j.ms));
      if (table !== null) {
        recreate = true;
        table = null;
      }
    } else {
      const delayMs = j.distribution === 'pareto' ? w.delayMs + j.ms / 2 : w.delayMs;
      const jitterMs = j.distribution === 'pareto' ? (3 * j.ms) / 4 : j.ms;
      // iproute2 refuses a distribution with a zero delay: 1 us stands in for 0.
      args.push('delay', formatUs(Math.max(delayMs, 0.001)), formatUs(jitterMs), 'distribution', j.distribution);
      table = j.distribution;
    }
  } else {
    args.push('delay', formatUs(w.delayMs));
  }
  args.push(...lossArgs(w.loss, w.outage));
  // With a rate set, netem sends each packet no earlier than the one before: jitter without reordering.
  const rate = j.ms > 0 && !j.reorder;
  if (rate) args.push('rate', NO_REORDER_RATE);
  else if (installed?.rate && !recreate) args.push('rate', '0bit');
  if (opts.netemSeed !== undefined) args.push('seed', String(Math.trunc(opts.netemSeed)));
  return { args, table, rate, recreate };
}

/** tbf burst: two full frames or 1 ms at the rate, whichever is larger (a packet larger than the burst is dropped). */
export function tbfBurstBytes(rateBps: number): number {
  return Math.max(2 * FRAME_BYTES, Math.ceil(rateBps / 8000));
}

export function tbfArgs(rateBps: number, limitBytes: number): string[] {
  const bps = Math.round(rateBps);
  return ['tbf', 'rate', `${bps}bit`, 'burst', String(tbfBurstBytes(bps)), 'limit', String(limitBytes)];
}

export function topologyFor(runId: string): Omit<TcTopology, 'clientAddrs'> {
  if (!/^[A-Za-z0-9-]{1,24}$/.test(runId)) throw new Error(`netem runId must be 1-24 letters, digits or '-', got "${runId}"`);
  return {
    clientNetns: `nq-${runId}-c`,
    serverNetns: `nq-${runId}-s`,
    clientDev: 'nqc0',
    serverDev: 'nqs0',
    ifbDev: 'nqifb0',
    serverAddr: TEST_SUBNET.serverAddr,
    prefixLen: TEST_SUBNET.prefixLen,
  };
}

function clientAddr(k: number): string {
  const host = TEST_SUBNET.firstClientHost + k;
  if (host > 254) throw new Error(`netem: more than ${254 - TEST_SUBNET.firstClientHost} client address changes`);
  return `${TEST_SUBNET.clientBase}${host}`;
}

function mbit(bps: number): string {
  return `${Number((bps / 1e6).toFixed(3))}Mbit/s`;
}

interface DirectionTrack {
  dev: string;
  netem: NetemInstalled | null;
  netemKey: string;
  tbfKey: string;
}

export function compileTcPlan(scenario: Scenario, model: LinkModel, opts: TcCompileOptions = {}): TcPlan {
  const stepMs = opts.stepMs ?? DEFAULT_TRACE_STEP_MS;
  const minRateBps = opts.minRateBps ?? DEFAULT_MIN_RATE_BPS;
  const durationMs = scenario.durationMs;
  const base = topologyFor(opts.runId ?? 'run');
  const { clientNetns: C, serverNetns: S, clientDev, serverDev, ifbDev } = base;
  const tcC = (...rest: string[]) => ['tc', '-n', C, ...rest];
  const ipC = (...rest: string[]) => ['ip', '-n', C, ...rest];
  const ipS = (...rest: string[]) => ['ip', '-n', S, ...rest];

  const windows: Record<Direction, LinkWindow[]> = {
    down: linkWindows(scenario, model, 'down', { stepMs, horizonMs: durationMs }),
    up: linkWindows(scenario, model, 'up', { stepMs, horizonMs: durationMs }),
  };
  const notes = new Set<string>();

  // Timed commands, grouped by time; setup gets the windows at 0.
  const timed = new Map<number, { commands: string[][]; parts: string[] }>();
  const at = (t: number) => {
    let g = timed.get(t);
    if (!g) timed.set(t, (g = { commands: [], parts: [] }));
    return g;
  };
  const setupShaping: string[][] = [];

  for (const direction of ['down', 'up'] as const) {
    const wins = windows[direction];
    const dev = direction === 'up' ? clientDev : ifbDev;
    const live = wins.filter((w) => !w.outage);
    const peakBps = Math.max(minRateBps, ...live.map((w) => w.capacityBps));
    // An outage keeps the rate in force (its loss is 100%); one at the very start borrows the first live rate.
    let rateBps = Math.max(minRateBps, live[0]?.capacityBps ?? minRateBps);
    const track: DirectionTrack = { dev, netem: null, netemKey: '', tbfKey: '' };
    for (const w of wins) {
      if (!w.outage) rateBps = Math.max(minRateBps, w.capacityBps);
      if (!w.outage && w.capacityBps < minRateBps) notes.add(`${direction}: capacity below ${minRateBps} bit/s runs at ${minRateBps} bit/s (tbf cannot stop)`);
      const netem = netemArgs(w, netemLimitPackets(w, peakBps), track.netem, { netemSeed: opts.netemSeed });
      const tbf = tbfArgs(rateBps, queueLimitBytes(w.queue, rateBps));
      if (w.jitter.ms > 0 && !w.jitter.reorder) notes.add(`${direction}: jitter without reordering via netem rate ${NO_REORDER_RATE}`);
      if (w.jitter.ms > 0 && w.jitter.distribution === 'pareto') notes.add(`${direction}: pareto jitter tail capped by netem's table at 3.5 x scale`);
      const netemKey = netem.args.join(' ');
      const tbfKey = tbf.join(' ');
      const addNetem = ['qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', ...netem.args];
      const addTbf = ['qdisc', 'add', 'dev', dev, 'parent', '1:1', 'handle', '2:', ...tbf];
      if (track.netem === null) {
        setupShaping.push(tcC(...addNetem), tcC(...addTbf));
      } else {
        const g = at(w.startMs);
        if (netem.recreate) {
          // Only a delete drops netem's delay table (uniform jitter after normal/pareto); the queues restart empty.
          g.commands.push(tcC('qdisc', 'del', 'dev', dev, 'root'), tcC(...addNetem), tcC(...addTbf));
          g.parts.push(`${direction}: recreate netem+tbf (${w.phase})`);
          notes.add(`${direction}: switching to uniform jitter after a table distribution recreates the qdiscs (queues restart empty)`);
        } else {
          if (netemKey !== track.netemKey) {
            g.commands.push(tcC('qdisc', 'change', 'dev', dev, 'root', 'handle', '1:', ...netem.args));
            g.parts.push(`${direction}: netem ${w.outage ? 'outage (loss 100%)' : `${w.phase}, delay ${w.delayMs} ms`}`);
          }
          if (tbfKey !== track.tbfKey) {
            g.commands.push(tcC('qdisc', 'change', 'dev', dev, 'parent', '1:1', 'handle', '2:', ...tbf));
            g.parts.push(`${direction}: rate ${mbit(rateBps)}`);
          }
        }
      }
      track.netem = { table: netem.table, rate: netem.rate };
      track.netemKey = netemKey;
      track.tbfKey = tbfKey;
    }
  }

  // Handover with an address change: the client gets the next address, so every 5-tuple changes.
  const clientAddrs = [{ fromMs: 0, addr: clientAddr(0) }];
  if (opts.remapAddressOnHandover ?? true) {
    for (const h of model.handovers) {
      if (!h.addressChange || h.atMs >= durationMs) continue;
      const prev = clientAddrs[clientAddrs.length - 1].addr;
      const next = clientAddr(clientAddrs.length);
      clientAddrs.push({ fromMs: h.atMs, addr: next });
      const g = at(h.atMs);
      // Delete first: removing a primary address also removes its secondaries unless promote_secondaries is set.
      g.commands.push(
        ipC('addr', 'del', `${prev}/${base.prefixLen}`, 'dev', clientDev),
        ipC('addr', 'add', `${next}/${base.prefixLen}`, 'dev', clientDev),
      );
      g.parts.push(`client address ${prev} -> ${next} (handover ${h.from} -> ${h.to})`);
    }
  }

  const gsoOff = ['gso_max_size', String(PACKET_BYTES), 'gso_max_segs', '1'];
  const setup: TcStep = {
    atMs: 0,
    kind: 'setup',
    label: `namespaces ${C} and ${S}, veth ${clientDev}<->${serverDev}, ${ifbDev} for down`,
    commands: [
      ['ip', 'netns', 'add', C],
      ['ip', 'netns', 'add', S],
      ipC('link', 'set', 'dev', 'lo', 'up'),
      ipS('link', 'set', 'dev', 'lo', 'up'),
      ipC('link', 'add', clientDev, 'type', 'veth', 'peer', 'name', serverDev, 'netns', S),
      // One packet per skb, so that netem and tbf delay, count and drop packets, not 64 KB GSO bursts.
      ipC('link', 'set', 'dev', clientDev, ...gsoOff),
      ipS('link', 'set', 'dev', serverDev, ...gsoOff),
      ipC('addr', 'add', `${clientAddrs[0].addr}/${base.prefixLen}`, 'dev', clientDev),
      ipS('addr', 'add', `${base.serverAddr}/${base.prefixLen}`, 'dev', serverDev),
      ipC('link', 'add', ifbDev, 'type', 'ifb'),
      ipC('link', 'set', 'dev', ifbDev, 'up'),
      ...setupShaping,
      tcC('qdisc', 'add', 'dev', clientDev, 'handle', 'ffff:', 'ingress'),
      tcC('filter', 'add', 'dev', clientDev, 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0',
        'action', 'mirred', 'egress', 'redirect', 'dev', ifbDev),
      // Links up last: no packet crosses before both directions are shaped.
      ipC('link', 'set', 'dev', clientDev, 'up'),
      ipS('link', 'set', 'dev', serverDev, 'up'),
    ],
  };

  const updates: TcStep[] = [...timed.entries()]
    .filter(([t, g]) => t > 0 && g.commands.length > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([t, g]) => ({ atMs: t, kind: 'update', label: `t=${t} ms ${g.parts.join('; ')}`, commands: g.commands }));

  const teardown: TcStep = {
    atMs: durationMs,
    kind: 'teardown',
    label: `delete namespaces ${C} and ${S}`,
    commands: [
      ['ip', 'netns', 'del', C],
      ['ip', 'netns', 'del', S],
    ],
  };

  return {
    topology: { ...base, clientAddrs },
    durationMs,
    stepMs,
    setup,
    updates,
    teardown,
    windows,
    notes: [...notes],
  };
}

/** argv that runs a program inside one of the plan's namespaces. */
export function inNamespace(topology: TcTopology, side: 'client' | 'server', argv: string[]): string[] {
  return ['ip', 'netns', 'exec', side === 'client' ? topology.clientNetns : topology.serverNetns, ...argv];
}
