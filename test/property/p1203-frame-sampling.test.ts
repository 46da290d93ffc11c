// P.1203's 1 s output sampling and random forest as fast code (issue 3) against frozen copies of their first,
// frame-by-frame and row-by-row, versions: the same output for any segments, trees and features.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p1203RandomForest, type P1203Tree } from '../../harness/metrics/mos/p1203-random-forest.ts';
import { p1203FrameSampling, p1203SampleCount } from '../../harness/metrics/mos/p1203-shared.ts';
import { mulberry32, randomTree } from '../helpers/p1203-cases.ts';

/** Frozen: every frame's decode time summed one after the other, then per second the last frame starting before it. */
function frameSamplingReference(segments: readonly { durationS: number; framesPerS: number }[]): number[] {
  const frameSeg: number[] = [];
  const frameDts: number[] = [];
  let dts = 0;
  segments.forEach((seg, k) => {
    const n = Math.trunc(seg.durationS * seg.framesPerS);
    const frameS = 1 / seg.framesPerS;
    for (let i = 0; i < n; i++) {
      frameSeg.push(k);
      frameDts.push(dts);
      dts += frameS;
    }
  });
  const out: number[] = [];
  let f = 0;
  for (let t = 1; t <= p1203SampleCount(dts); t++) {
    while (f + 1 < frameDts.length && frameDts[f + 1] < t) f++;
    out.push(frameSeg[f]);
  }
  return out;
}

/** Frozen: the mean over trees of walking each tree's rows. */
function forestReference(trees: readonly P1203Tree[], features: readonly number[]): number {
  const run = (tree: P1203Tree): number => {
    let node = 0;
    for (let hops = 0; hops <= tree.length; hops++) {
      const [, feature, threshold, left, right] = tree[node];
      if (feature === -1) return threshold;
      node = features[feature] < threshold ? left : right;
    }
    throw new RangeError('P.1203 random-forest tree has a cycle');
  };
  return trees.reduce((sum, t) => sum + run(t), 0) / trees.length;
}

// Frame rates and lengths as streams have them, where summed frame times land just around whole seconds.
const fps = fc.oneof(fc.constantFrom(24, 25, 30, 29.97, 23.976, 50, 60, 100, 120, 12, 15, 1, 0.5), fc.double({ min: 0.1, max: 120, noNaN: true }));
const durationS = fc.oneof(fc.constantFrom(0, 0.01, 0.5, 1, 1.001, 2, 2.002, 4, 4.004, 10), fc.double({ min: 0, max: 30, noNaN: true }));
const segment = fc.record({ durationS, framesPerS: fps });
// Long runs of one kind of segment (as simulated sessions are), and mixed ones.
const segments = fc.oneof(
  fc.array(segment, { maxLength: 60 }),
  fc.tuple(segment, fc.integer({ min: 1, max: 400 }), fc.array(segment, { maxLength: 5 })).map(([s, n, tail]) => [...new Array(n).fill(s), ...tail]),
  fc.tuple(fc.constantFrom(1, 2, 4, 6), fc.constantFrom(24, 25, 30, 60, 100), fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true })).map(
    ([segS, f, n, last]) => [...new Array(n - 1).fill({ durationS: segS, framesPerS: f }), { durationS: segS * last, framesPerS: f }],
  ),
);

describe('P.1203 frame sampling and random forest equal their frozen first versions', () => {
  it('p1203FrameSampling: the same segment for every output second', () => {
    fc.assert(
      fc.property(segments, (segs) => {
        expect(p1203FrameSampling(segs)).toEqual(frameSamplingReference(segs));
      }),
      { numRuns: 400 },
    );
  });

  it('p1203FrameSampling: a ten-minute audio track at 100 frames a second, any length to the centisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0, 0.3, 0.5, 0.999), (cs, frac) => {
        const segs = [{ durationS: (cs + frac) / 100, framesPerS: 100 }];
        expect(p1203FrameSampling(segs)).toEqual(frameSamplingReference(segs));
      }),
      { numRuns: 200 },
    );
  });

  it('p1203RandomForest: the same mean prediction for any trees and features', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 30 }), fc.array(fc.double({ min: -10, max: 700, noNaN: true }), { minLength: 14, maxLength: 14 }), (seed, count, features) => {
        const rng = mulberry32(seed);
        const trees = Array.from({ length: count }, () => randomTree(rng, Math.floor(rng() * 12)));
        expect(p1203RandomForest(trees).predict(features)).toBe(forestReference(trees, features));
      }),
      { numRuns: 300 },
    );
  });

  it('p1203RandomForest: a tree whose rows loop is refused when walked into the loop', () => {
    const looping: P1203Tree = [[0, 1, 0.5, 1, 2], [1, -1, 3, -1, -1], [2, 0, 1, 0, 0]];
    const forest = p1203RandomForest([looping]);
    expect(forest.predict([0, 0])).toBe(3);
    expect(() => forest.predict([0, 1])).toThrow(/cycle/);
  });
});
