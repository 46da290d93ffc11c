// WiFi-to-4G handover end to end: real Chromium peers, the werift SFU, the publisher (the phone) behind
// the userspace relay. At the handover its path goes dark for the outage, then the relay moves it to a
// new port (the old one is dead) and the page gets the network-change signal; the policy must bring
// the call back. Each test is one short call (~15-22 s).
import { describe, expect, test } from 'vitest';
import type { HandoverRunResult } from '../../harness/recovery/handover-run.ts';
import type { ScenarioEvent } from '../../harness/scenario/types.ts';
import { handover, handoverSummary as summary, runHandoverCall } from '../helpers/handover-live.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();

const run = (policy: string, events: ScenarioEvent[], durationMs: number): Promise<HandoverRunResult> => runHandoverCall(policy, events, durationMs, { executablePath: chromiumPath ?? undefined });

describe.skipIf(!chromiumPath)('handover with address change (live)', () => {
  test('seed-resilient: media resumes within 5 s after the WiFi path dies, on the new relay port', async () => {
    const r = await run('seed-resilient', [handover(7000, 1500)], 14_000);
    console.log(summary(r));
    expect(r.errors).toEqual([]);
    expect(r.addressChanges).toHaveLength(1);
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS).toBeLessThan(5);
    expect(r.metrics.iceRecoveryS).toBeGreaterThanOrEqual(1.5);
    expect(r.metrics.iceRestarts).toBeGreaterThanOrEqual(1);
    expect(r.metrics.fullReconnects).toBe(0);
    expect(r.handovers[0].detectedBy).toBe('network-change signal');
    // After the handover the phone reaches the SFU through the relay's new port only.
    const last = r.samples.filter((s) => s.peerId === 'pub').at(-1)!;
    expect(last.candidatePair?.remoteAddress).toBe(`127.0.0.1:${r.addressChanges[0].newPort}`);
    expect(r.timeline.some((e) => e.kind === 'connection' && e.source === 'sfu' && e.event === 'sfu-ice-restart')).toBe(true);
  }, 40_000);

  test('none (browser defaults): measured, never recovers, and the run ends at its deadline', async () => {
    const t0 = performance.now();
    const r = await run('none', [handover(6000, 1500)], 12_000);
    console.log(summary(r));
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(r.metrics.iceRestarts).toBe(0);
    expect(r.metrics.iceRecovered).toBe(0);
    expect(r.metrics.iceRecoveryS).toBeUndefined();
    expect(r.metrics.iceUnrecoveredS).toBeGreaterThan(4);
    // The SFU's own rule sees the phone's path die (werift itself would say nothing for ~30 s).
    // The rule counts 2.5 s from the last packet heard, which came a few ms before the path went dark
    // (2.496 s measured once): a frame interval below 2.5 s is the rule working, not firing early.
    expect(r.metrics.sfuDetectS).toBeGreaterThanOrEqual(2.4);
    expect(r.metrics.sfuDetectS).toBeLessThan(4);
  }, 40_000);

  test('no cheating: recovery is never shorter than the outage, and nothing is delivered while the path is dark', async () => {
    const atMs = 6000;
    const outageMs = 3000;
    const r = await run('immediate', [handover(atMs, outageMs)], 14_000);
    console.log(summary(r));
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS! * 1000).toBeGreaterThanOrEqual(outageMs);
    // Relay windows inside the outage delivered nothing, either way (from 100 ms in: a packet already on
    // the wire when the link went dark, past the bottleneck, still arrives one propagation delay later).
    const dark = r.relaySamples.filter((s) => s.tMs - s.windowMs >= atMs + 100 && s.tMs <= atMs + outageMs);
    expect(dark.length).toBeGreaterThanOrEqual(2);
    for (const s of dark) expect(s.packetsDelivered, `${s.direction} window ending ${s.tMs}`).toBe(0);
    // The subscriber decoded no frame while the phone was dark.
    const start = r.handovers[0].startMs;
    for (const e of r.recoveryEvents) if (e.peerId === 'sub' && e.kind === 'media-gap') expect(e.tMs <= start + 200 || e.tMs >= start + outageMs).toBe(true);
  }, 40_000);

  test('a second handover back to WiFi also recovers', async () => {
    const r = await run('seed-resilient', [handover(6000, 1500), handover(12_000, 1000, 'wifi')], 18_000);
    console.log(summary(r), '| per handover:', r.handovers.map((h) => `${h.to}: ${h.recoveryMs.sub} ms`).join(', '));
    expect(r.addressChanges).toHaveLength(2);
    expect(r.handovers).toHaveLength(2);
    for (const h of r.handovers) {
      expect(h.recoveryMs.sub).not.toBeNull();
      expect(h.recoveryMs.sub!).toBeLessThan(5000);
      expect(h.recoveryMs.sub!).toBeGreaterThanOrEqual(h.outageMs);
    }
    const last = r.samples.filter((s) => s.peerId === 'pub').at(-1)!;
    expect(last.candidatePair?.remoteAddress).toBe(`127.0.0.1:${r.addressChanges[1].newPort}`);
  }, 40_000);

  test('no network-change signal (networkSignal: none): seed-resilient acts on ICE states alone, 2 s after disconnected', async () => {
    const r = await run('seed-resilient', [{ ...handover(6000, 1500), networkSignalDelayMs: null }], 22_000);
    const page = r.recoveryEvents.filter((e) => e.peerId === 'pub' && e.tMs > r.handovers[0].startMs);
    const disconnected = page.find((e) => e.kind === 'ice-state' && e.state === 'disconnected');
    const restart = page.find((e) => e.kind === 'restart-ice');
    console.log(`${summary(r)}; the page saw disconnected ${disconnected ? ((disconnected.tMs - r.handovers[0].startMs) / 1000).toFixed(2) : '-'} s after the path died`);
    expect(r.errors).toEqual([]);
    expect(page.some((e) => e.kind === 'network-change')).toBe(false);
    expect(r.handovers[0].detectedBy).not.toBe('network-change signal');
    // Chrome's own ICE noticed (5-7 s after the path died here), and the policy's rule ran: still disconnected 2 s later, restart.
    expect(disconnected).toBeDefined();
    expect(restart).toBeDefined();
    expect(restart!.tMs - disconnected!.tMs).toBeGreaterThanOrEqual(1900);
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS).toBeGreaterThan((restart!.tMs - r.handovers[0].startMs) / 1000);
  }, 45_000);

  test('a full reconnect (new peer connection, rejoin as the same peer) re-attaches to the room', async () => {
    const r = await run('./test/fixtures/ice-policy-rebuild.ts', [handover(6000, 1500)], 13_000);
    console.log(summary(r));
    expect(r.errors).toEqual([]);
    expect(r.metrics.fullReconnects).toBe(1);
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS).toBeLessThan(5);
    expect(r.sfuEvents.some((e) => e.kind === 'peer' && e.peerId === 'pub' && e.state === 'rejoined')).toBe(true);
    // The subscriber keeps its m-line: the same video (mid) plays on, it was never left or renegotiated away.
    expect(r.sfuEvents.some((e) => e.kind === 'peer' && e.peerId === 'pub' && e.state === 'left' && e.tMs < r.handovers[0].startMs + 5000)).toBe(false);
    const mids = new Set(r.recoveryEvents.filter((e) => e.peerId === 'sub' && (e.kind === 'media-gap' || e.kind === 'first-frame')).map((e) => e.state));
    expect(mids).toEqual(new Set(['0']));
  }, 40_000);
});
