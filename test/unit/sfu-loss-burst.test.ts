// The SFU's keyframe-on-gap rule (harness/sfu/loss-burst.ts): a NACK whose lost list holds an unbroken run spanning
// >= 250 ms of sent media asks for a keyframe; scattered loss, however heavy, does not.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { longestLossRunMs, nackWantsKeyframe, SendTimes } from '../../harness/sfu/loss-burst.ts';

/** A stream of `count` packets from sequence number `first` (mod 2^16), one every `gapMs`. */
function stream(first: number, count: number, gapMs: number): SendTimes {
  const t = new SendTimes();
  for (let i = 0; i < count; i++) t.note((first + i) & 0xffff, 1000 + i * gapMs);
  return t;
}

describe('longestLossRunMs', () => {
  test('an outage: every packet of a stretch lost, its span is the time between its first and last send (across the 16-bit wrap)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 2, max: 400 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 200 }), (first, runLen, gapMs, offset) => {
        const times = stream(first, offset + runLen + 50, gapMs);
        const lost = Array.from({ length: runLen }, (_, i) => (first + offset + i) & 0xffff);
        const at = (s: number) => times.at(s);
        expect(longestLossRunMs(lost, at)).toBe((runLen - 1) * gapMs);
        // Listed in any order, with duplicates: the same run.
        expect(longestLossRunMs([...lost].reverse().concat(lost.slice(0, 3)), at)).toBe((runLen - 1) * gapMs);
        expect(nackWantsKeyframe(lost, at)).toBe((runLen - 1) * gapMs >= 250);
      }),
    );
  });

  test('scattered loss (no two consecutive packets lost): no run, no keyframe, whatever the loss rate or the NACK size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 2000 }), (first, pattern) => {
        const times = stream(first, pattern.length * 2, 3);
        // Every other packet may be lost: at most one in a row.
        const lost = pattern.flatMap((l, i) => (l ? [(first + 2 * i) & 0xffff] : []));
        expect(longestLossRunMs(lost, (s) => times.at(s))).toBe(0);
        expect(nackWantsKeyframe(lost, (s) => times.at(s))).toBe(false);
      }),
    );
  });

  test('the longest run wins, and packets never sent do not make a span', () => {
    const times = stream(100, 1000, 10);
    const at = (s: number) => times.at(s);
    // runs 100..104 (40 ms), 200..230 (300 ms), 500 alone
    const lost = [100, 101, 102, 103, 104, 500, ...Array.from({ length: 31 }, (_, i) => 200 + i)];
    expect(longestLossRunMs(lost, at)).toBe(300);
    expect(nackWantsKeyframe(lost, at)).toBe(true);
    expect(nackWantsKeyframe(lost, at, 301)).toBe(false);
    expect(longestLossRunMs([5000, 5001, 5002], at)).toBe(0);
    // A run across the 16-bit wrap is one run: 65530..65535, 0..29 sent 10 ms apart = 350 ms.
    const wrap = stream(65530, 100, 10);
    const wrapped = [...Array.from({ length: 6 }, (_, i) => 65530 + i), ...Array.from({ length: 30 }, (_, i) => i)];
    expect(longestLossRunMs(wrapped, (s) => wrap.at(s))).toBe(350);
    expect(longestLossRunMs([], at)).toBe(0);
  });
});
