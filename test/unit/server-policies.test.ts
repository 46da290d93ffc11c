import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audioForBandwidth } from '../../algorithms/policies/audio.ts';
import { bufferTargetS } from '../../algorithms/policies/buffer-target.ts';
import { frameRateForBandwidth } from '../../algorithms/policies/frame-rate.ts';
import { qualityWarning } from '../../algorithms/policies/quality-warning.ts';

describe('server policies (REFERENCE-NOTES "Related server policies")', () => {
  it.each([
    [0, 15],
    [499, 15],
    [500, 24],
    [1499, 24],
    [1500, 30],
    [2999, 30],
    [3000, 60],
  ])('frame rate at %i kbps: %i fps', (kbps, fps) => {
    expect(frameRateForBandwidth(kbps).fps).toBe(fps);
  });

  it.each([
    [499, 12, 8000, 1],
    [500, 24, 16000, 1],
    [999, 24, 16000, 1],
    [1000, 128, 48000, 2],
  ])('audio at %i kbps: %i kbps %i Hz %i ch', (kbps, bitrate, rate, channels) => {
    expect(audioForBandwidth(kbps)).toMatchObject({ bitrateKbps: bitrate, sampleRateHz: rate, channels });
  });

  it.each([
    [5000, 0, 10],
    [2999, 0, 15],
    [999, 0, 20],
    [5000, 50, 10],
    [5000, 51, 12],
    [5000, 100, 12],
    [5000, 101, 15],
    [999, 120, 25],
  ])('buffer target at %i kbps, jitter %i ms: %i s', (kbps, jitter, target) => {
    expect(bufferTargetS(kbps, jitter).targetS).toBe(target);
  });

  it('warns above 10% loss only', () => {
    expect(qualityWarning(0.1).warn).toBe(false);
    expect(qualityWarning(0.1001).warn).toBe(true);
    expect(qualityWarning(0.2).reason).toContain('20.0% > 10%');
  });

  it('more bandwidth never lowers the frame rate or the audio bitrate, nor raises the buffer target', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, b, jitter) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(frameRateForBandwidth(hi).fps).toBeGreaterThanOrEqual(frameRateForBandwidth(lo).fps);
        expect(audioForBandwidth(hi).bitrateKbps).toBeGreaterThanOrEqual(audioForBandwidth(lo).bitrateKbps);
        expect(bufferTargetS(hi, jitter).targetS).toBeLessThanOrEqual(bufferTargetS(lo, jitter).targetS);
      }),
    );
  });
});
