// The viewer is the phone: the subscriber, not the publisher, leaves WiFi for LTE (a new relay port after a 1.5 s
// outage). Its ICE restart (the SFU answers a subscriber's offer mid-call) and its full reconnect (a new peer
// connection rejoining the room, whose feeds are offered again) must both bring the video back. Short calls.
import { describe, expect, test } from 'vitest';
import type { HandoverRunResult } from '../../harness/recovery/handover-run.ts';
import { handover, handoverSummary, runHandoverCall } from '../helpers/handover-live.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();

const run = (policy: string, durationMs: number): Promise<HandoverRunResult> =>
  runHandoverCall(policy, [handover(6000, 1500)], durationMs, { moving: 'subscriber', executablePath: chromiumPath ?? undefined });
const summary = (r: HandoverRunResult) => `${handoverSummary(r)} (the subscriber moves)`;

describe.skipIf(!chromiumPath)('handover of the subscriber (live)', () => {
  test('seed-resilient: the subscriber restarts ICE, the SFU answers it, video resumes on the new port', async () => {
    const r = await run('seed-resilient', 13_000);
    console.log(summary(r));
    expect(r.errors).toEqual([]);
    expect(r.addressChanges).toHaveLength(1);
    expect(r.metrics.iceRestarts).toBeGreaterThanOrEqual(1);
    expect(r.metrics.fullReconnects).toBe(0);
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS).toBeGreaterThanOrEqual(1.5);
    // 2.0 s here: the 1.5 s outage, the restart, and a keyframe the SFU asks for once the new path is up (3.2 s when it
    // waited for the browser's NACKs to run out and its PLI).
    expect(r.metrics.iceRecoveryS).toBeLessThan(4);
    expect(r.timeline.some((e) => e.kind === 'connection' && e.source === 'sfu' && e.event === 'sfu-ice-restart' && e.peerId === 'sub')).toBe(true);
    // After it, the subscriber reaches the SFU through the relay's new port only.
    const last = r.samples.filter((s) => s.peerId === 'sub').at(-1)!;
    expect(last.candidatePair?.remoteAddress).toBe(`127.0.0.1:${r.addressChanges[0].newPort}`);
  }, 40_000);

  test('a full reconnect of the subscriber: a new peer connection rejoins and is offered the publisher again', async () => {
    const r = await run('./test/fixtures/ice-policy-rebuild.ts', 13_000);
    console.log(summary(r));
    expect(r.errors).toEqual([]);
    expect(r.metrics.fullReconnects).toBe(1);
    expect(r.metrics.iceRecovered).toBe(1);
    expect(r.metrics.iceRecoveryS).toBeLessThan(6);
    expect(r.sfuEvents.some((e) => e.kind === 'peer' && e.peerId === 'sub' && e.state === 'rejoined')).toBe(true);
  }, 40_000);
});
