// The UDP relay with real sockets on 127.0.0.1. Timing assertions are loose on purpose (CI is noisy);
// bench/link-accuracy.bench.ts measures accuracy.
import { afterEach, describe, expect, it } from 'vitest';
import { RelayAddressError } from '../../harness/relay/bind-policy.ts';
import { startRelay, type Relay } from '../../harness/relay/relay.ts';
import type { AddressChangeEvent, RelayCounters } from '../../harness/relay/types.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { bindUdp, median, pinger, relayScenario, sleep, udpEcho } from '../helpers/relay-sockets.ts';

const MBPS = 1e6;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/**
 * Outages and handovers start this late, and the pings wait for it: the relay's clock runs from startRelay,
 * and starting its thread took ~500 ms under load 6-9 on 2 cores.
 */
const LEAD_MS = 1500;
const at = (ms: number) => LEAD_MS + ms;
async function untilLead(relay: Relay): Promise<void> {
  const waitMs = LEAD_MS - relay.nowMs();
  if (waitMs > 0) await sleep(waitMs);
}

/** Waits for `cond` up to timeoutMs (a loaded machine answers late, not never). */
async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond() && performance.now() < end) await sleep(10);
}

async function relayFor(sc: Parameters<typeof startRelay>[0]['scenario'], targetPort: number, opts: Partial<Parameters<typeof startRelay>[0]> = {}) {
  const relay = await startRelay({ scenario: sc, ...opts });
  cleanup.push(() => relay.close().catch(() => {}));
  const m = await relay.addUdp({ target: { host: '127.0.0.1', port: targetPort } });
  return { relay, port: m.port };
}

function expectCountersAddUp(c: RelayCounters): void {
  for (const d of [c.down, c.up]) {
    const dropped = d.dropped.queue.packets + d.dropped.loss.packets + d.dropped.outage.packets;
    expect(d.in.packets).toBe(d.delivered.packets + dropped + d.inFlight.packets);
    expect(d.in.bytes).toBe(d.delivered.bytes + d.dropped.queue.bytes + d.dropped.loss.bytes + d.dropped.outage.bytes + d.inFlight.bytes);
  }
}

describe('UDP relay', () => {
  it('adds the configured delay each way and delivers at the link rate', async () => {
    const echo = await udpEcho(256);
    cleanup.push(echo.close);
    const { relay, port } = await relayFor(
      relayScenario({ capacity: { kind: 'constant', bps: 8 * MBPS }, delayMs: 15, queue: { limit: 100, unit: 'ms', discipline: 'droptail' } }),
      echo.port,
    );
    const p = await pinger();
    cleanup.push(p.close);
    for (let i = 0; i < 15; i++) {
      p.ping(port, i);
      await sleep(20);
    }
    await sleep(100);
    expect(p.rtts.size).toBe(15);
    // 2 x 15 ms + 2 x 92 B at 8 Mbit/s; loopback and timers add a little.
    const rtt = median([...p.rtts.values()]);
    expect(rtt).toBeGreaterThanOrEqual(30);
    // Not the delay twice (60); how close to 30 is the benchmark's business (39.6 ms here with two unlocked vitest runs on 2 cores).
    expect(rtt).toBeLessThan(50);

    // Rate: 1200-byte datagrams at twice the capacity for 1.2 s; the sink counts what comes out.
    const start = performance.now();
    const big = Buffer.alloc(1200);
    while (performance.now() - start < 1200) {
      for (let k = 0; k < 6; k++) p.sock.send(big, port, '127.0.0.1');
      await sleep(3.6); // 6 x 1228 B per 3.6-5 ms (timers stretch it): 12-16 Mbit/s, well over the 8
    }
    await sleep(150);
    const bigArrivals = echo.bytesAt.filter((x) => x.bytes === 1200 && x.tMs > start + 300 && x.tMs < start + 1100);
    const bps = (bigArrivals.length * 1228 * 8) / 0.8;
    expect(bps).toBeGreaterThan(8 * MBPS * 0.85);
    expect(bps).toBeLessThan(8 * MBPS * 1.1);
    const c = await relay.counters();
    expect(c.up.dropped.queue.packets).toBeGreaterThan(0); // the overload met the queue
    expectCountersAddUp(c);
  });

  it('loses about the configured fraction, and the counters add up', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const sc = scenario([phase('lossy', 0, { delayMs: 5, loss: { model: 'none' } }, { delayMs: 5, loss: { model: 'bernoulli', rate: 0.2 } })]);
    const { relay, port } = await relayFor(sc, echo.port);
    const p = await pinger();
    cleanup.push(p.close);
    for (let i = 0; i < 800; i++) {
      p.ping(port, i);
      if (i % 20 === 19) await sleep(2);
    }
    await sleep(150);
    const c = await relay.counters();
    expect(c.up.in.packets).toBe(800);
    expect(c.up.dropped.loss.packets / 800).toBeGreaterThan(0.15);
    expect(c.up.dropped.loss.packets / 800).toBeLessThan(0.25);
    expect(c.down.dropped.loss.packets).toBe(0);
    expect(p.rtts.size).toBe(800 - c.up.dropped.loss.packets);
    expect(c.up.inFlight.packets).toBe(0);
    expectCountersAddUp(c);
  });

  it('an outage stops traffic for its window, then it flows again', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const sc = relayScenario({ delayMs: 5 }, [{ type: 'outage', atMs: at(600), durationMs: 600, direction: 'both' }]);
    const { relay, port } = await relayFor(sc, echo.port);
    const p = await pinger();
    cleanup.push(p.close);
    const sentAtRelayMs = new Map<number, number>();
    await untilLead(relay);
    for (let i = 0; relay.nowMs() < at(1700); i++) {
      sentAtRelayMs.set(i, relay.nowMs());
      p.ping(port, i);
      await sleep(15);
    }
    await sleep(100);
    const answered = (from: number, to: number) => {
      const seqs = [...sentAtRelayMs].filter(([, t]) => t >= from && t < to).map(([s]) => s);
      return { n: seqs.length, ok: seqs.filter((s) => p.rtts.has(s)).length };
    };
    const before = answered(at(0), at(500));
    const during = answered(at(650), at(1150));
    const after = answered(at(1300), at(1700));
    expect(before.n).toBeGreaterThan(5);
    expect(before.ok).toBe(before.n);
    expect(during.n).toBeGreaterThan(5);
    expect(during.ok).toBe(0);
    expect(after.ok).toBe(after.n);
    const c = await relay.counters();
    expect(c.up.dropped.outage.packets).toBeGreaterThanOrEqual(during.n);
    expectCountersAddUp(c);
  });

  it('a handover with addressChange moves the client to a new port; the old one stops', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const sc = scenario(
      [phase('wifi', 0, { delayMs: 5 }), phase('lte', null, { delayMs: 25 })],
      [{ type: 'handover', atMs: at(400), to: 'lte', outageMs: 200, addressChange: true }],
    );
    const { relay, port: oldPort } = await relayFor(sc, echo.port);
    await untilLead(relay);
    const events: AddressChangeEvent[] = [];
    relay.onAddressChange((e) => events.push(e));
    const p = await pinger();
    cleanup.push(p.close);
    p.ping(oldPort, 1);
    await until(() => p.rtts.has(1));
    expect(p.rtts.has(1)).toBe(true);
    const sourcesBefore = new Set(echo.sources);

    while (events.length === 0 && relay.nowMs() < at(2000)) await sleep(10);
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e).toMatchObject({ protocol: 'udp', oldPort, handoverAtMs: at(400) });
    expect(e.newPort).not.toBe(oldPort);
    expect(e.atMs).toBeGreaterThanOrEqual(at(600));
    expect(e.atMs).toBeLessThan(at(700));
    expect(relay.addressChanges()).toEqual([e]);

    for (let i = 0; i < 5; i++) p.ping(oldPort, 100 + i);
    for (let i = 0; i < 5; i++) p.ping(e.newPort, 200 + i);
    await until(() => [200, 201, 202, 203, 204].every((s) => p.rtts.has(s)));
    await sleep(50); // an answer on the old port would have come with them
    expect([100, 101, 102, 103, 104].some((s) => p.rtts.has(s))).toBe(false);
    const rtts = [200, 201, 202, 203, 204].map((s) => p.rtts.get(s));
    expect(rtts.every((r) => r !== undefined)).toBe(true);
    expect(median(rtts as number[])).toBeGreaterThanOrEqual(50); // the lte phase: 2 x 25 ms
    // The target sees the client from a new 5-tuple too.
    const newSources = echo.sources.filter((s) => !sourcesBefore.has(s));
    expect(newSources.length).toBeGreaterThan(0);
    expect((await relay.counters()).addressChanges).toBe(1);
  });

  it('carries many flows at once, each to its own upstream port', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const { relay, port } = await relayFor(relayScenario({ delayMs: 3 }), echo.port);
    const clients = await Promise.all([0, 1, 2, 3].map(() => pinger()));
    for (const c of clients) cleanup.push(c.close);
    for (let i = 0; i < 10; i++) {
      clients.forEach((c, k) => c.ping(port, k * 1000 + i));
      await sleep(3);
    }
    await sleep(80);
    clients.forEach((c, k) => {
      expect([...c.rtts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => k * 1000 + i));
    });
    expect(new Set(echo.sources).size).toBe(4);
    expect((await relay.counters()).udpFlows).toBe(4);
  });

  // The relay's own side of it: the pinger here can only address the relay, so this checks what the relay does
  // (rewrites the source, forwards nothing once dead), not that a real peer has no way around it; that is
  // relay-kill-media.test.ts (Chromium and the SFU, relays closed mid-call).
  it('the target hears only relay ports, and nothing once the relay dies', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const { relay, port } = await relayFor(relayScenario({ delayMs: 2 }), echo.port);
    const p = await pinger();
    cleanup.push(p.close);
    for (let i = 0; i < 10; i++) {
      p.ping(port, i);
      await sleep(5);
    }
    await sleep(50);
    expect(p.rtts.size).toBe(10);
    expect(echo.sources.length).toBe(10);
    expect(echo.sources.includes(p.port)).toBe(false);
    expect(new Set(echo.sources).size).toBe(1); // one flow, one upstream port

    await relay.kill();
    const receivedBefore = echo.received;
    for (let i = 100; i < 120; i++) {
      p.ping(port, i);
      await sleep(5);
    }
    await sleep(100);
    expect(echo.received).toBe(receivedBefore);
    expect([...p.rtts.keys()].filter((s) => s >= 100)).toEqual([]);
    await expect(relay.counters()).rejects.toThrow();
  });

  it('refuses to bind or forward anywhere but loopback', async () => {
    const sc = relayScenario({});
    await expect(startRelay({ scenario: sc, bindAddress: '0.0.0.0' })).rejects.toThrow(RelayAddressError);
    await expect(startRelay({ scenario: sc, bindAddress: '192.168.1.10' })).rejects.toThrow(/only on loopback/);
    const relay = await startRelay({ scenario: sc });
    cleanup.push(() => relay.close());
    await expect(relay.addUdp({ target: { host: '8.8.8.8', port: 53 } })).rejects.toThrow(/refusing 8\.8\.8\.8/);
    await expect(relay.addTcp({ target: { host: '0.0.0.0', port: 80 } })).rejects.toThrow(RelayAddressError);
    const sink = await bindUdp();
    cleanup.push(() => sink.close());
    const ok = await relay.addUdp({ target: { host: '127.0.0.1', port: sink.address().port } });
    expect(ok.address).toBe('127.0.0.1');
  });

  it('samples each direction once a second with the model\'s capacity', async () => {
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const { relay, port } = await relayFor(
      scenario([phase('a', 0, { capacity: { kind: 'constant', bps: 3 * MBPS } }, { capacity: { kind: 'constant', bps: 1 * MBPS } })]),
      echo.port,
    );
    // Batches from now on (under load the relay's thread can start after its first window closed).
    const seen: number[] = [];
    relay.onSample((s) => seen.push(s.length));
    const p = await pinger();
    cleanup.push(p.close);
    while (relay.nowMs() < 2150 || relay.timeline().length < 4) {
      p.ping(port, 1);
      await sleep(50);
    }
    const tl = relay.timeline().slice(0, 4);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n === 2)).toBe(true);
    expect(tl.map((s) => [s.tMs, s.direction])).toEqual([
      [1000, 'down'],
      [1000, 'up'],
      [2000, 'down'],
      [2000, 'up'],
    ]);
    expect(tl[0]).toMatchObject({ kind: 'relay', windowMs: 1000, phase: 'a', inOutage: false, capacityBps: 3 * MBPS });
    expect(tl[1].capacityBps).toBe(1 * MBPS);
    expect(tl[3].packetsIn).toBeGreaterThan(10);
    const final = await relay.close();
    expect(final.up.in.packets).toBeGreaterThan(30);
    expect(relay.timeline().length).toBeGreaterThanOrEqual(4);
  });
});
