// Frame-number marker: encode -> decode round trip, and robustness to what an encoder and a scaler do to it.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LumaPlane } from '../../harness/media/frame-marker.ts';
import { crc8, decodeMarker, fromGray, markerBits, MARKER_MAX_NUMBER, paintMarker, toGray } from '../../harness/media/frame-marker.ts';

/** A frame of random-ish content (the marker must not depend on what surrounds it). */
function frame(width: number, height: number, seed: number): LumaPlane {
  const data = new Uint8Array(width * height);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) & 0xff;
  }
  return { width, height, stride: width, data };
}

function addNoise(p: LumaPlane, amplitude: number, seed: number): LumaPlane {
  let s = seed >>> 0 || 7;
  const data = new Uint8Array(p.data.length);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const n = ((s >>> 8) / 0xffffff) * 2 - 1;
    data[i] = Math.max(0, Math.min(255, Math.round(p.data[i] + n * amplitude)));
  }
  return { ...p, data };
}

/** Box blur of the given radius (what low-bitrate coding does to sharp edges). */
function blur(p: LumaPlane, radius: number): LumaPlane {
  const data = new Uint8Array(p.data.length);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = Math.min(p.height - 1, Math.max(0, y + dy));
          const xx = Math.min(p.width - 1, Math.max(0, x + dx));
          sum += p.data[yy * p.stride + xx];
          n++;
        }
      }
      data[y * p.width + x] = Math.round(sum / n);
    }
  }
  return { width: p.width, height: p.height, stride: p.width, data };
}

/** Downscale by an integer factor with a box filter (as a simulcast layer is made). */
function downscale(p: LumaPlane, factor: number): LumaPlane {
  const width = Math.floor(p.width / factor);
  const height = Math.floor(p.height / factor);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += p.data[(y * factor + dy) * p.stride + x * factor + dx];
      data[y * width + x] = Math.round(sum / (factor * factor));
    }
  }
  return { width, height, stride: width, data };
}

/** Full-range mapping of limited-range luma (what canvas RGB readback gives). */
function toFullRange(p: LumaPlane): LumaPlane {
  return { ...p, data: p.data.map((v) => Math.max(0, Math.min(255, Math.round(((v - 16) * 255) / 219)))) };
}

const numberArb = fc.integer({ min: 0, max: MARKER_MAX_NUMBER });

describe('frame marker', () => {
  test('Gray code round trip and one bit per step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MARKER_MAX_NUMBER - 1 }), (n) => {
        expect(fromGray(toGray(n))).toBe(n);
        const diff = toGray(n) ^ toGray(n + 1);
        expect(diff & (diff - 1)).toBe(0); // exactly one bit differs
      }),
    );
  });

  test('CRC-8 (0x07) matches a known vector, and flat corners are not markers', () => {
    // CRC-8/SMBUS("\x12\x34") = 0xF1 (poly 0x07, init 0); ours is XORed with 0x55.
    expect(crc8(0x1234)).toBe(0xf1 ^ 0x55);
    expect(decodeMarker({ width: 320, height: 180, stride: 320, data: new Uint8Array(320 * 180).fill(16) })).toBeNull();
    expect(decodeMarker({ width: 320, height: 180, stride: 320, data: new Uint8Array(320 * 180).fill(235) })).toBeNull();
  });

  test('markerBits rejects numbers it cannot carry', () => {
    expect(() => markerBits(-1)).toThrow(RangeError);
    expect(() => markerBits(MARKER_MAX_NUMBER + 1)).toThrow(RangeError);
    expect(() => markerBits(1.5)).toThrow(RangeError);
  });

  test('round trip at 720p, 360p and odd sizes over random content', () => {
    fc.assert(
      fc.property(numberArb, fc.constantFrom([1280, 720], [640, 360], [320, 180], [854, 480], [160, 90]), fc.integer(), (n, [w, h], seed) => {
        const f = frame(w, h, seed);
        paintMarker(f, n);
        expect(decodeMarker(f)).toBe(n);
      }),
      { numRuns: 60 },
    );
  });

  test('survives the /4 simulcast downscale of 720p, blur and noise, and full-range readback', () => {
    fc.assert(
      fc.property(numberArb, fc.integer(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), (n, seed, radius, noise, full) => {
        const f = frame(1280, 720, seed);
        paintMarker(f, n);
        let p = downscale(f, 4); // 320x180, cells of 10 px
        if (radius > 0) p = blur(p, radius);
        if (noise > 0) p = addNoise(p, noise, seed);
        if (full) p = toFullRange(p);
        expect(decodeMarker(p)).toBe(n);
      }),
      { numRuns: 40 },
    );
  });

  test('a corrupted cell is detected (null), never read as another number', () => {
    fc.assert(
      fc.property(numberArb, fc.integer({ min: 0, max: 23 }), (n, cell) => {
        const f = frame(640, 360, n + 1);
        paintMarker(f, n);
        // Invert one cell's inner area.
        const cellPx = 360 / 18;
        const r = Math.floor(cell / 6);
        const c = cell % 6;
        const x0 = Math.floor(cellPx / 2 + c * cellPx);
        const y0 = Math.floor(cellPx / 2 + r * cellPx);
        for (let y = y0; y < y0 + cellPx; y++) for (let x = x0; x < x0 + cellPx; x++) f.data[y * f.stride + x] = 251 - f.data[y * f.stride + x];
        expect(decodeMarker(f)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});
