import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { DirectionSpec, LossSpec, Scenario } from '../../harness/scenario/types.ts';
import {
  compileTcPlan,
  formatPercent,
  netemLimitPackets,
  planSteps,
  queueLimitBytes,
  queueLimitPackets,
  type TcPlan,
} from '../../harness/netem/tc-compiler.ts';
import { phase, scenario, simpleScenario, trace } from '../helpers/link-scenario.ts';

function compile(s: Scenario, opts: Parameters<typeof compileTcPlan>[2] = {}): TcPlan {
  return compileTcPlan(s, buildLinkModel(s), { runId: 't1', ...opts });
}

/** The value after `key` in an argv, e.g. valueAfter(cmd, 'rate'). */
function valueAfter(argv: string[], key: string): string | undefined {
  const i = argv.indexOf(key);
  return i >= 0 ? argv[i + 1] : undefined;
}

const isNetem = (c: string[]) => c[0] === 'tc' && c.includes('netem');
const isTbf = (c: string[]) => c[0] === 'tc' && c.includes('tbf');
const onDev = (dev: string) => (c: string[]) => valueAfter(c, 'dev') === dev;

describe('setup and teardown', () => {
  const plan = compile(simpleScenario({}));

  it('creates both namespaces, the veth pair and the IFB before shaping, and links come up last', () => {
    const cmds = plan.setup.commands.map((c) => c.join(' '));
    expect(cmds[0]).toBe('ip netns add nq-t1-c');
    expect(cmds[1]).toBe('ip netns add nq-t1-s');
    expect(cmds).toContain('ip -n nq-t1-c link add nqc0 type veth peer name nqs0 netns nq-t1-s');
    expect(cmds).toContain('ip -n nq-t1-c link add nqifb0 type ifb');
    expect(cmds).toContain(
      'tc -n nq-t1-c filter add dev nqc0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev nqifb0',
    );
    const lastTc = Math.max(...cmds.map((c, i) => (c.startsWith('tc ') ? i : -1)));
    expect(cmds.indexOf('ip -n nq-t1-c link set dev nqc0 up')).toBeGreaterThan(lastTc);
    expect(cmds.indexOf('ip -n nq-t1-s link set dev nqs0 up')).toBeGreaterThan(lastTc);
  });

  it('puts up on the client veth and down on the IFB, each netem at the root with a tbf child', () => {
    for (const dev of ['nqc0', 'nqifb0']) {
      const shaping = plan.setup.commands.filter(onDev(dev)).filter((c) => isNetem(c) || isTbf(c));
      expect(shaping.map((c) => c.slice(3, Math.max(c.indexOf('netem'), c.indexOf('tbf')) + 1).join(' '))).toEqual([
        `qdisc add dev ${dev} root handle 1: netem`,
        `qdisc add dev ${dev} parent 1:1 handle 2: tbf`,
      ]);
    }
  });

  it('addresses come from 198.18.0.0/24 and are set inside the namespaces only', () => {
    const addrs = plan.setup.commands.filter((c) => c.includes('addr'));
    expect(addrs.map((c) => c.join(' '))).toEqual([
      'ip -n nq-t1-c addr add 198.18.0.2/24 dev nqc0',
      'ip -n nq-t1-s addr add 198.18.0.1/24 dev nqs0',
    ]);
    // Every ip/tc command that is not a namespace add/del runs inside one of the two namespaces.
    for (const c of planSteps(plan).flatMap((s) => s.commands)) {
      if (c[1] === 'netns') continue;
      expect(['nq-t1-c', 'nq-t1-s']).toContain(valueAfter(c, '-n'));
    }
  });

  it('teardown removes everything setup created: every device lives in a namespace it deletes', () => {
    const created = plan.setup.commands.filter((c) => c[1] === 'netns' && c[2] === 'add').map((c) => c[3]);
    const deleted = plan.teardown.commands.filter((c) => c[1] === 'netns' && c[2] === 'del').map((c) => c[3]);
    expect(deleted.sort()).toEqual(created.sort());
    for (const c of plan.setup.commands.filter((c) => c[0] === 'ip' && c.includes('link') && c.includes('add'))) {
      expect(deleted).toContain(valueAfter(c, '-n'));
      // The veth peer is moved into the other namespace, also deleted.
      if (c.includes('peer')) expect(deleted).toContain(valueAfter(c, 'netns'));
    }
  });

  it('emits argv arrays only: no element a shell could split or expand', () => {
    for (const c of planSteps(plan).flatMap((s) => s.commands)) {
      expect(['ip', 'tc']).toContain(c[0]);
      for (const a of c) expect(a).toMatch(/^[\w@%.:/+-]+$/);
    }
  });

  it('a constant scenario needs no update', () => {
    expect(plan.updates).toEqual([]);
  });

  it('rejects run ids that would make odd namespace names', () => {
    expect(() => compile(simpleScenario({}), { runId: 'a b' })).toThrow(/runId/);
  });
});

describe('netem parameters', () => {
  const netemOf = (spec: Partial<DirectionSpec>, dev = 'nqc0') =>
    compile(simpleScenario(spec)).setup.commands.filter(isNetem).find(onDev(dev))!;

  it('delay and uniform jitter in microseconds; no table for uniform', () => {
    const c = netemOf({ delayMs: 20.5, jitter: { ms: 4, distribution: 'uniform', reorder: true } });
    expect(c.slice(c.indexOf('delay'))).toEqual(['delay', '20500us', '4000us']);
  });

  it('normal jitter uses the normal table with the standard deviation', () => {
    const c = netemOf({ delayMs: 30, jitter: { ms: 5, distribution: 'normal', reorder: true } });
    expect(c.slice(c.indexOf('delay'))).toEqual(['delay', '30000us', '5000us', 'distribution', 'normal']);
  });

  it("pareto jitter: netem's zero-mean Lomax(4j/3) shifted to the model's Lomax(scale) >= 0", () => {
    const c = netemOf({ delayMs: 20, jitter: { ms: 8, distribution: 'pareto', reorder: true } });
    // delay + scale/2 = 24 ms, j = 3/4 x 8 ms = 6 ms.
    expect(c.slice(c.indexOf('delay'))).toEqual(['delay', '24000us', '6000us', 'distribution', 'pareto']);
  });

  it('jitter without reordering sets a netem rate far above the link (packets keep their order)', () => {
    expect(valueAfter(netemOf({ jitter: { ms: 5, distribution: 'uniform', reorder: false } }), 'rate')).toBe('10gbit');
    expect(netemOf({ jitter: { ms: 5, distribution: 'uniform', reorder: true } })).not.toContain('rate');
    expect(netemOf({ jitter: { ms: 0, distribution: 'uniform', reorder: false } })).not.toContain('rate');
  });

  it('Bernoulli loss -> loss random P%', () => {
    const c = netemOf({ loss: { model: 'bernoulli', rate: 0.005 } });
    expect(c.slice(c.indexOf('loss'))).toEqual(['loss', 'random', '0.5%']);
  });

  it('Gilbert-Elliott -> loss gemodel p r 1-h 1-k with 1-h = lossBad and 1-k = lossGood', () => {
    const loss: LossSpec = { model: 'gilbert-elliott', p: 0.01, r: 0.3, lossGood: 0.001, lossBad: 0.5 };
    const c = netemOf({ loss });
    expect(c.slice(c.indexOf('loss'))).toEqual(['loss', 'gemodel', '1%', '30%', '50%', '0.1%']);
  });

  it('each direction gets its own settings', () => {
    const s = scenario([phase('p', 0, { delayMs: 10 }, { delayMs: 70 })]);
    const setup = compile(s).setup.commands.filter(isNetem);
    expect(valueAfter(setup.find(onDev('nqifb0'))!, 'delay')).toBe('10000us');
    expect(valueAfter(setup.find(onDev('nqc0'))!, 'delay')).toBe('70000us');
  });

  it('adds netem seed only when asked', () => {
    expect(valueAfter(compile(simpleScenario({}), { netemSeed: 42 }).setup.commands.find(isNetem)!, 'seed')).toBe('42');
    expect(compile(simpleScenario({})).setup.commands.find(isNetem)).not.toContain('seed');
  });

  it('formats percentages without float noise', () => {
    expect(formatPercent(0.1 + 0.2)).toBe('30%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.0000015)).toBe('0.00015%');
    expect(() => formatPercent(1.5)).toThrow();
  });
});

describe('queue limits (1500-byte packets; ms at the capacity in force)', () => {
  it('converts each unit to tbf bytes and to packets', () => {
    expect(queueLimitBytes({ limit: 50, unit: 'packets', discipline: 'droptail' }, 8e6)).toBe(75_000);
    expect(queueLimitBytes({ limit: 60_000, unit: 'bytes', discipline: 'droptail' }, 8e6)).toBe(60_000);
    expect(queueLimitBytes({ limit: 100, unit: 'ms', discipline: 'droptail' }, 8e6)).toBe(100_000);
    expect(queueLimitPackets({ limit: 50, unit: 'packets', discipline: 'droptail' }, 8e6)).toBe(50);
    expect(queueLimitPackets({ limit: 60_000, unit: 'bytes', discipline: 'droptail' }, 8e6)).toBe(40);
    expect(queueLimitPackets({ limit: 100, unit: 'ms', discipline: 'droptail' }, 8e6)).toBe(67);
  });

  it('never goes below one full frame / one packet', () => {
    expect(queueLimitBytes({ limit: 1, unit: 'ms', discipline: 'droptail' }, 100_000)).toBe(1514);
    expect(queueLimitPackets({ limit: 1, unit: 'ms', discipline: 'droptail' }, 100_000)).toBe(1);
  });

  it('a queue in ms follows the capacity: the tbf limit changes with the rate', () => {
    const s = scenario([
      phase('fast', 0, { capacity: { kind: 'constant', bps: 10e6 }, queue: { limit: 80, unit: 'ms', discipline: 'droptail' } }),
      phase('slow', 5000, { capacity: { kind: 'constant', bps: 2e6 }, queue: { limit: 80, unit: 'ms', discipline: 'droptail' } }),
    ]);
    const plan = compile(s);
    expect(valueAfter(plan.setup.commands.find(isTbf)!, 'limit')).toBe('100000');
    const step = plan.updates.find((u) => u.atMs === 5000)!;
    const tbf = step.commands.filter(isTbf);
    expect(tbf).toHaveLength(2);
    for (const c of tbf) {
      expect(c.slice(3, 11)).toEqual(['qdisc', 'change', 'dev', c[6], 'parent', '1:1', 'handle', '2:']);
      expect(valueAfter(c, 'rate')).toBe('2000000bit');
      expect(valueAfter(c, 'limit')).toBe('20000');
    }
  });

  it("netem's own limit covers the delay line and the queue, so only the tbf enforces the scenario's queue", () => {
    const w = {
      startMs: 0, endMs: 1, phase: 'p', outage: false, capacityBps: 50e6, delayMs: 100,
      jitter: { ms: 0, distribution: 'uniform' as const, reorder: false },
      loss: { model: 'none' as const }, queue: { limit: 1000, unit: 'packets' as const, discipline: 'droptail' as const },
    };
    // 50 Mbit/s x 100 ms = 417 packets of 1500 B in flight + 1000 queued, x2 headroom.
    expect(netemLimitPackets(w, 50e6)).toBe(2 * (417 + 1000));
    expect(netemLimitPackets({ ...w, delayMs: 1, queue: { ...w.queue, limit: 10 } }, 1e6)).toBe(1000);
  });
});

describe('timed changes', () => {
  it('an outage is 100% loss in its window, both directions, and the rate stays', () => {
    const s = simpleScenario({ loss: { model: 'bernoulli', rate: 0.01 } }, [{ type: 'outage', atMs: 2000, durationMs: 1500, direction: 'both' }], 10_000);
    const plan = compile(s);
    expect(plan.updates.map((u) => u.atMs)).toEqual([2000, 3500]);
    const [start, end] = plan.updates;
    expect(start.commands.filter(isNetem)).toHaveLength(2);
    for (const c of start.commands) expect(c.slice(c.indexOf('loss'))).toEqual(['loss', 'random', '100%']);
    for (const c of end.commands) expect(c.slice(c.indexOf('loss'))).toEqual(['loss', 'random', '1%']);
    expect([...start.commands, ...end.commands].some(isTbf)).toBe(false);
  });

  it('an outage in one direction changes only that direction', () => {
    const s = simpleScenario({}, [{ type: 'outage', atMs: 1000, durationMs: 500, direction: 'up' }], 5000);
    const plan = compile(s);
    expect(plan.updates.flatMap((u) => u.commands).every(onDev('nqc0'))).toBe(true);
  });

  it('rate changes at the trace change points when they are coarser than the step', () => {
    const tr = trace([
      { ms: 1000, bps: 4e6 },
      { ms: 1000, bps: 1e6 },
      { ms: 1000, bps: 6e6 },
    ]);
    const s = simpleScenario({ capacity: { kind: 'trace', trace: tr, scale: 1, offsetMs: 0, loop: true } }, [], 6000);
    const plan = compile(s);
    expect(valueAfter(plan.setup.commands.find(isTbf)!, 'rate')).toBe('4000000bit');
    expect(plan.updates.map((u) => u.atMs)).toEqual([1000, 2000, 3000, 4000, 5000]);
    const rates = plan.updates.map((u) => valueAfter(u.commands.filter(isTbf).find(onDev('nqifb0'))!, 'rate'));
    expect(rates).toEqual(['1000000bit', '6000000bit', '4000000bit', '1000000bit', '6000000bit']);
    // Trace steps never touch netem (its Gilbert-Elliott state would restart).
    expect(plan.updates.flatMap((u) => u.commands).some(isNetem)).toBe(false);
  });

  it('a trace finer than the step is averaged per 100 ms (configurable)', () => {
    // 30 ms at 3 Mbit/s, 20 ms at 8 Mbit/s, repeating: every 100 ms window averages to 5 Mbit/s exactly.
    const tr = trace([
      { ms: 30, bps: 3e6 },
      { ms: 20, bps: 8e6 },
    ]);
    const s = simpleScenario({ capacity: { kind: 'trace', trace: tr, scale: 1, offsetMs: 0, loop: true } }, [], 2000);
    const plan = compile(s);
    expect(valueAfter(plan.setup.commands.find(isTbf)!, 'rate')).toBe('5000000bit');
    expect(plan.updates).toEqual([]);
    // With a 10 ms step the tc timeline follows the trace's 30/20 ms pattern (merged where equal).
    const fine = compile(s, { stepMs: 10 });
    expect(fine.updates.length).toBeGreaterThan(50);
    expect(new Set(fine.updates.map((u) => valueAfter(u.commands.find(isTbf)!, 'rate')))).toEqual(new Set(['3000000bit', '8000000bit']));
  });

  it('a capacity step event changes the rate at its exact time, off the grid', () => {
    const s = simpleScenario({}, [{ type: 'capacityStep', atMs: 1234, durationMs: 766, factor: 0.5, bps: null, direction: 'down' }], 5000);
    const plan = compile(s);
    expect(plan.updates.map((u) => u.atMs)).toEqual([1234, 2000]);
    expect(valueAfter(plan.updates[0].commands[0], 'rate')).toBe('4000000bit');
    expect(valueAfter(plan.updates[1].commands[0], 'rate')).toBe('8000000bit');
  });

  it('a loss burst replaces the loss model in its window', () => {
    const ge: LossSpec = { model: 'gilbert-elliott', p: 0.02, r: 0.5, lossGood: 0, lossBad: 1 };
    const s = simpleScenario({ loss: ge }, [{ type: 'lossBurst', atMs: 1000, durationMs: 1000, rate: 0.2, direction: 'both' }], 4000);
    const plan = compile(s);
    const [on, off] = plan.updates;
    expect(on.commands.every((c) => c.join(' ').includes('loss random 20%'))).toBe(true);
    expect(off.commands.every((c) => c.join(' ').includes('loss gemodel 2% 50% 100% 0%'))).toBe(true);
  });

  it('switching reorder off then on clears the netem rate explicitly (a change keeps an omitted rate)', () => {
    const s = scenario([
      phase('a', 0, { jitter: { ms: 5, distribution: 'uniform', reorder: false } }),
      phase('b', 1000, { jitter: { ms: 5, distribution: 'uniform', reorder: true } }),
    ], [], 3000);
    const step = compile(s).updates[0];
    for (const c of step.commands) expect(valueAfter(c, 'rate')).toBe('0bit');
  });

  it('uniform jitter after a table distribution recreates the qdiscs (a change cannot drop the table)', () => {
    const s = scenario([
      phase('a', 0, { jitter: { ms: 5, distribution: 'normal', reorder: true } }),
      phase('b', 1000, { jitter: { ms: 5, distribution: 'uniform', reorder: true } }),
    ], [], 3000);
    const plan = compile(s);
    const cmds = plan.updates[0].commands.filter(onDev('nqc0')).map((c) => c.slice(3, 9).join(' '));
    expect(cmds).toEqual(['qdisc del dev nqc0 root', 'qdisc add dev nqc0 root handle', 'qdisc add dev nqc0 parent 1:1']);
    expect(plan.notes.some((n) => n.includes('recreates'))).toBe(true);
  });

  it('a handover with an address change gives the client the next address during the outage', () => {
    const s = scenario(
      [phase('wifi', 0, { delayMs: 10 }), phase('lte', null, { delayMs: 40 })],
      [{ type: 'handover', atMs: 3000, to: 'lte', outageMs: 500, addressChange: true }],
      6000,
    );
    const plan = compile(s);
    const [start, end] = plan.updates;
    expect(start.atMs).toBe(3000);
    expect(start.commands.filter((c) => c.includes('addr')).map((c) => c.join(' '))).toEqual([
      'ip -n nq-t1-c addr del 198.18.0.2/24 dev nqc0',
      'ip -n nq-t1-c addr add 198.18.0.3/24 dev nqc0',
    ]);
    expect(start.commands.filter(isNetem).every((c) => c.join(' ').includes('loss random 100%'))).toBe(true);
    expect(end.atMs).toBe(3500);
    expect(end.commands.filter(isNetem).every((c) => valueAfter(c, 'delay') === '40000us')).toBe(true);
    expect(plan.topology.clientAddrs).toEqual([
      { fromMs: 0, addr: '198.18.0.2' },
      { fromMs: 3000, addr: '198.18.0.3' },
    ]);
    expect(compile(s, { remapAddressOnHandover: false }).updates[0].commands.some((c) => c.includes('addr'))).toBe(false);
  });

  it('updates are sorted and inside the scenario', () => {
    const s = simpleScenario({}, [
      { type: 'outage', atMs: 4000, durationMs: 100, direction: 'down' },
      { type: 'lossBurst', atMs: 1000, durationMs: 100, rate: 0.1, direction: 'up' },
    ], 5000);
    const times = compile(s).updates.map((u) => u.atMs);
    expect(times).toEqual([1000, 1100, 4000, 4100]);
  });
});
