// A subscriber that moved and rebuilt its peer connection (a full reconnect) plays a new video: its page reports a
// first frame, not the end of a gap. That first frame is when its media came back.
import { describe, expect, test } from 'vitest';
import { handoverOutcome } from '../../harness/recovery/recovery-metrics.ts';
import type { RecoveryEventLike } from '../../harness/recovery/recovery-metrics.ts';

const W = { startMs: 6000, outageMs: 1500, endMs: 20_000, to: 'lte' };
const ev = (tMs: number, peerId: string, kind: string, extra: Partial<RecoveryEventLike> = {}): RecoveryEventLike => ({ tMs, peerId, kind, ...extra });

describe('handoverOutcome of a rebuilt subscriber', () => {
  // Shaped like a live run (test/integration/handover-subscriber.test.ts): first frame at 3.8 s, the network-change signal
  // and the rebuild at 7.5 s, the new connection's first frame at 8.3 s.
  const events = [
    ev(3807, 'sub', 'first-frame', { state: '0' }),
    ev(7513, 'sub', 'network-change', { state: 'cellular' }),
    ev(7513, 'sub', 'full-reconnect'),
    ev(8306, 'sub', 'first-frame', { state: '0' }),
  ];

  test('recovered at the new first frame; frozen from the outage to it; detection and the reconnect counted', () => {
    const o = handoverOutcome(W, 'sub', ['sub'], events, [], []);
    expect(o.recoveryMs.sub).toBe(8306 - 6000);
    expect(o.frozenMs.sub).toBe(8306 - 6000);
    expect(o.fullReconnects).toBe(1);
    expect(o.detectedBy).toBe('network-change signal');
  });

  test('without that first frame it is still frozen at the end of the window', () => {
    const o = handoverOutcome(W, 'sub', ['sub'], events.slice(0, 3), [], []);
    expect(o.recoveryMs.sub).toBeNull();
    expect(o.frozenMs.sub).toBe(20_000 - 6000);
  });

  test('a first frame before the handover is not a recovery', () => {
    const o = handoverOutcome(W, 'sub', ['sub'], [ev(3807, 'sub', 'first-frame')], [], []);
    expect(o.recoveryMs.sub).toBeNull();
  });
});
