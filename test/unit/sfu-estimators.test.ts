import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createFixedEstimator, createReceiverRembEstimator } from '../../harness/sfu/downlink-estimator.ts';
import { LossMeter } from '../../harness/sfu/loss-meter.ts';
import { RateMeter } from '../../harness/sfu/rate-meter.ts';
import { buildFir, buildRemb, rembDecode, rembEncode } from '../../harness/sfu/rtcp-feedback.ts';
import { createRembRampEstimator } from '../../harness/sfu/uplink-estimator.ts';

describe('REMB encoding', () => {
  test('property: the encoded rate is <= the rate and within one part in 2^17', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (bps) => {
        const { exp, mantissa } = rembEncode(bps);
        expect(mantissa).toBeLessThan(2 ** 18);
        const back = rembDecode(exp, mantissa);
        expect(back).toBeLessThanOrEqual(bps);
        expect(bps - back).toBeLessThanOrEqual(Math.max(0, bps / 2 ** 17));
      }),
    );
  });

  test('the packet: PSFB FMT 15, "REMB", the SSRCs', () => {
    const buf = buildRemb(0x01020304, [11, 22], 2_500_000).serialize();
    expect(buf[0] & 0x1f).toBe(15);
    expect(buf[1]).toBe(206);
    expect(buf.subarray(12, 16).toString('ascii')).toBe('REMB');
    expect(buf[16]).toBe(2);
    const exp = buf[17] >> 2;
    const mantissa = ((buf[17] & 3) << 16) | buf.readUInt16BE(18);
    expect(mantissa * 2 ** exp).toBe(2_500_000);
    expect(buf.readUInt32BE(20)).toBe(11);
    expect(buf.readUInt32BE(24)).toBe(22);
    expect(buf.readUInt16BE(2)).toBe(buf.length / 4 - 1); // RTCP length in words minus one
  });

  test('FIR: FMT 4, the media SSRC in the FCI, length in words minus one', () => {
    const buf = buildFir(1, 0xdeadbeef, 7).serialize();
    expect(buf[0] & 0x1f).toBe(4);
    expect(buf[1]).toBe(206);
    expect(buf.readUInt32BE(12)).toBe(0xdeadbeef);
    expect(buf[16]).toBe(7);
    expect(buf.readUInt16BE(2)).toBe(buf.length / 4 - 1);
  });
});

describe('remb-ramp uplink estimator', () => {
  test('incoming x 1.5 + 300 kbps, capped', () => {
    const e = createRembRampEstimator({ capBps: 5e6, rampPerS: 0 });
    expect(e.update({ tMs: 0, incomingBps: 1e6 }).targetBps).toBe(1.8e6);
    expect(e.update({ tMs: 250, incomingBps: 4e6 })).toMatchObject({ targetBps: 5e6, reason: expect.stringContaining('capped') });
  });

  test('start phase asks for startBps until it ends or loss appears', () => {
    const e = createRembRampEstimator({ startBps: 3e6, startPhaseMs: 2000, rampPerS: 0, maxDecreasePerS: 0 });
    expect(e.update({ tMs: 0, incomingBps: 300e3 }).targetBps).toBe(3e6);
    expect(e.update({ tMs: 1000, incomingBps: 300e3 }).targetBps).toBe(3e6);
    expect(e.update({ tMs: 2000, incomingBps: 300e3 }).targetBps).toBe(750e3);
  });

  test('ramps while loss-free; loss cuts it by half the loss', () => {
    const e = createRembRampEstimator({ rampPerS: 0.25 });
    e.update({ tMs: 0, incomingBps: 600e3 }); // 1.2 Mbps
    expect(e.update({ tMs: 1000, incomingBps: 600e3 }).targetBps).toBeCloseTo(1.5e6, -3);
    const cut = e.update({ tMs: 2000, incomingBps: 600e3, lossRate: 0.2 });
    expect(cut.targetBps).toBeCloseTo(1.2e6 * 0.9, -3);
    expect(cut.reason).toMatch(/loss 20\.0%/);
  });

  test('property: never above the cap, never negative, and without loss never below x0.85/s of the last', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 1, max: 2000 }), bps: fc.integer({ min: 0, max: 20e6 }) }), { maxLength: 50 }), (steps) => {
        const e = createRembRampEstimator({ capBps: 8e6 });
        let t = 0;
        let last: number | null = null;
        for (const s of steps) {
          t += s.dt;
          const r = e.update({ tMs: t, incomingBps: s.bps });
          expect(r.targetBps).toBeGreaterThanOrEqual(0);
          expect(r.targetBps).toBeLessThanOrEqual(8e6);
          if (last !== null) expect(r.targetBps).toBeGreaterThanOrEqual(Math.min(8e6, last * 0.85 ** (s.dt / 1000)) - 1e-6);
          last = r.targetBps;
        }
      }),
    );
  });
});

describe('downlink estimators', () => {
  test('receiver-remb: initial until the first REMB, then the REMB, initial again when stale', () => {
    const e = createReceiverRembEstimator({ initialBps: 1e6, staleMs: 1000 });
    expect(e.estimate(0).bps).toBe(1e6);
    e.onFeedback({ kind: 'remb', tMs: 100, bps: 700e3 });
    expect(e.estimate(500)).toMatchObject({ bps: 700e3, reason: 'receiver REMB 700 kbps' });
    expect(e.estimate(1200).bps).toBe(1e6);
    e.onFeedback({ kind: 'receiver-report', tMs: 1300, fractionLost: 0.05, cumulativeLost: 3, jitterMs: 4 });
    expect(e.stats()).toEqual({ lossRate: 0.05, jitterMs: 4 });
  });

  test('fixed: settable', () => {
    const e = createFixedEstimator(2e6);
    e.set(600e3);
    expect(e.estimate(0)).toEqual({ bps: 600e3, reason: 'fixed 600 kbps' });
  });
});

describe('meters', () => {
  test('RateMeter: bytes in the window over the window; a young stream over its age (>= 100 ms)', () => {
    const m = new RateMeter(1000);
    m.add(1000, 0);
    expect(m.rateBps(50)).toBe(80_000); // 8000 bits / 100 ms
    m.add(1000, 500);
    expect(m.rateBps(999)).toBeCloseTo(16_000, -2); // both packets, over 999 ms (the stream is younger than the window)
    expect(m.rateBps(1000)).toBe(8_000); // the window is (t - 1000, t]
    expect(m.rateBps(1400)).toBe(8_000);
    expect(m.rateBps(5000)).toBe(0);
  });

  test('property: RateMeter conserves bytes within the window', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 300 }), bytes: fc.integer({ min: 0, max: 1500 }) }), { minLength: 1, maxLength: 200 }), (xs) => {
        const m = new RateMeter(1000);
        let t = 0;
        const seen: { t: number; b: number }[] = [];
        for (const x of xs) {
          t += x.dt;
          m.add(x.bytes, t);
          seen.push({ t, b: x.bytes });
        }
        const inWindow = seen.filter((s) => s.t > t - 1000).reduce((a, s) => a + s.b, 0);
        const span = Math.min(1000, Math.max(100, t - seen[0].t));
        expect(m.rateBps(t)).toBeCloseTo((inWindow * 8000) / span, 6);
      }),
    );
  });

  test('LossMeter: gaps are loss, across the 16-bit wrap; duplicates do not make it negative', () => {
    const l = new LossMeter();
    for (const s of [65533, 65534, 0, 1, 3]) l.add(s); // 65535 and 2 missing
    expect(l.take()).toEqual({ expected: 7, received: 5, lossRate: 2 / 7 });
    l.add(4);
    l.add(4);
    expect(l.take().lossRate).toBe(0);
  });
});
