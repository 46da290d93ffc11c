import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LayerForwarder } from '../../harness/sfu/layer-forwarder.ts';
import type { InboundPacket, OutboundPacket } from '../../harness/sfu/layer-forwarder.ts';
import { isVp8KeyframeStart, parseVp8Descriptor } from '../../harness/sfu/rtp/vp8.ts';
import { h264Payload, vp8Payload } from '../helpers/rtp-packets.ts';

const LAYERS = 3;

/** Three simulcast layers of a 30 fps VP8 stream, each with its own random sequence/timestamp/PictureID bases. */
const sessionArb = fc.record({
  frames: fc.integer({ min: 5, max: 120 }),
  seqBase: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: LAYERS, maxLength: LAYERS }),
  tsBase: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: LAYERS, maxLength: LAYERS }),
  picBase: fc.array(fc.integer({ min: 0, max: 0x7fff }), { minLength: LAYERS, maxLength: LAYERS }),
  packetsPerFrame: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: LAYERS, maxLength: LAYERS }),
  /** Per frame and layer: is it a keyframe. */
  keyframeEvery: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: LAYERS, maxLength: LAYERS }),
  /** Layer asked for at frame i (sparse). */
  requests: fc.array(fc.record({ frame: fc.nat(), layer: fc.integer({ min: 0, max: LAYERS - 1 }) }), { maxLength: 12 }),
  /** Padding-only packets after some frames on some layer. */
  padding: fc.array(fc.record({ frame: fc.nat(), layer: fc.integer({ min: 0, max: LAYERS - 1 }) }), { maxLength: 8 }),
});

interface Sent {
  in: InboundPacket;
  out: OutboundPacket;
  frame: number;
}

function simulate(s: typeof sessionArb extends fc.Arbitrary<infer T> ? T : never) {
  const f = new LayerForwarder({ codec: 'VP8' });
  const seq = [...s.seqBase];
  const sent: Sent[] = [];
  const requestsAt = new Map<number, number>();
  for (const r of s.requests) requestsAt.set(r.frame % s.frames, r.layer);
  let target: number | null = null;
  for (let k = 0; k < s.frames; k++) {
    const arrivalMs = k * 33.3;
    const req = requestsAt.get(k);
    if (req !== undefined) {
      f.setTarget(req, arrivalMs);
      target = req;
    }
    if (k === 0 && req === undefined) {
      f.setTarget(LAYERS - 1, 0);
      target = LAYERS - 1;
    }
    for (let layer = 0; layer < LAYERS; layer++) {
      const key = k % s.keyframeEvery[layer] === 0;
      for (let i = 0; i < s.packetsPerFrame[layer]; i++) {
        const p: InboundPacket = {
          layer,
          sequenceNumber: seq[layer],
          timestamp: (s.tsBase[layer] + k * 3000) % 0x100000000,
          payload: vp8Payload({ start: i === 0, keyframe: key, pictureId: (s.picBase[layer] + k) % 0x8000, tl0PicIdx: k % 256 }),
          arrivalMs,
        };
        seq[layer] = (seq[layer] + 1) % 0x10000;
        const out = f.onPacket(p);
        if (out) sent.push({ in: p, out, frame: k });
      }
      if (s.padding.some((x) => x.frame % s.frames === k && x.layer === layer)) {
        const p: InboundPacket = { layer, sequenceNumber: seq[layer], timestamp: (s.tsBase[layer] + k * 3000) % 0x100000000, payload: new Uint8Array(), arrivalMs };
        seq[layer] = (seq[layer] + 1) % 0x10000;
        const out = f.onPacket(p);
        if (out) sent.push({ in: p, out, frame: k });
      }
    }
  }
  return { f, sent, target };
}

const mod = (v: number, m: number) => ((v % m) + m) % m;

describe('LayerForwarder (property)', () => {
  test('the output is one continuous stream: sequence numbers +1, timestamps forward, PictureIDs +1 per frame', () => {
    fc.assert(
      fc.property(sessionArb, (s) => {
        const { sent } = simulate(s);
        for (let i = 1; i < sent.length; i++) {
          const a = sent[i - 1].out;
          const b = sent[i].out;
          expect(mod(b.sequenceNumber - a.sequenceNumber, 0x10000)).toBe(1);
          const dts = mod(b.timestamp - a.timestamp, 0x100000000);
          expect(dts).toBeLessThan(0x80000000); // never backwards
          if (b.payload.length > 0 && a.payload.length > 0) {
            const pa = parseVp8Descriptor(a.payload)!.pictureId!;
            const pb = parseVp8Descriptor(b.payload)!.pictureId!;
            const sameFrame = sent[i].frame === sent[i - 1].frame && sent[i].in.layer === sent[i - 1].in.layer;
            expect(mod(pb - pa, 0x8000)).toBe(sameFrame ? 0 : 1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test('every layer change happens on a keyframe start of the target layer, and only then', () => {
    fc.assert(
      fc.property(sessionArb, (s) => {
        const { sent } = simulate(s);
        let layer: number | null = null;
        for (const x of sent) {
          if (x.in.layer !== layer) {
            expect(x.out.switched?.to).toBe(x.in.layer);
            expect(isVp8KeyframeStart(x.in.payload)).toBe(true);
            layer = x.in.layer;
          } else {
            expect(x.out.switched).toBeUndefined();
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the last requested layer is either being forwarded or still pending: a request is never forgotten', () => {
    fc.assert(
      fc.property(sessionArb, (s) => {
        const { f, sent, target } = simulate(s);
        if (target === null) return;
        const last = sent[sent.length - 1];
        // Either the target is current, or it has not sent a keyframe since it was asked for.
        if (f.currentLayer !== target) expect(f.pendingLayer).toBe(target);
        else expect(last?.in.layer).toBe(target);
      }),
      { numRuns: 200 },
    );
  });

  test('timestamps within a layer keep their spacing (the decoder sees 30 fps, not a warped clock)', () => {
    fc.assert(
      fc.property(sessionArb, (s) => {
        const { sent } = simulate(s);
        for (let i = 1; i < sent.length; i++) {
          if (sent[i].in.layer !== sent[i - 1].in.layer || sent[i].out.switched) continue;
          expect(mod(sent[i].out.timestamp - sent[i - 1].out.timestamp, 0x100000000)).toBe(mod(sent[i].in.timestamp - sent[i - 1].in.timestamp, 0x100000000));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('LayerForwarder (examples)', () => {
  test('across a switch the timestamp advances by the wall time elapsed', () => {
    const f = new LayerForwarder({ codec: 'VP8' });
    f.setTarget(1, 0);
    const a = f.onPacket({ layer: 1, sequenceNumber: 10, timestamp: 1000, arrivalMs: 0, payload: vp8Payload({ start: true, keyframe: true, pictureId: 1, tl0PicIdx: 0 }) });
    expect(a?.switched).toEqual({ from: null, to: 1, waitedMs: 0 });
    expect(f.setTarget(0, 10)).toBe(true);
    expect(f.onPacket({ layer: 1, sequenceNumber: 11, timestamp: 4000, arrivalMs: 33, payload: vp8Payload({ start: true, keyframe: false, pictureId: 2, tl0PicIdx: 0 }) })?.sequenceNumber).toBe(11);
    expect(f.onPacket({ layer: 0, sequenceNumber: 500, timestamp: 9_000_000, arrivalMs: 40, payload: vp8Payload({ start: true, keyframe: false, pictureId: 900, tl0PicIdx: 0 }) })).toBeNull();
    const b = f.onPacket({ layer: 0, sequenceNumber: 501, timestamp: 9_003_000, arrivalMs: 66, payload: vp8Payload({ start: true, keyframe: true, pictureId: 901, tl0PicIdx: 0 }) });
    expect(b?.switched).toEqual({ from: 1, to: 0, waitedMs: 56 });
    expect(b?.sequenceNumber).toBe(12);
    expect(b?.timestamp).toBe(4000 + 33 * 90); // 33 ms after the last packet sent, at 90 kHz
    expect(parseVp8Descriptor(b!.payload)?.pictureId).toBe(3);
  });

  test('asking for the current layer cancels a pending switch', () => {
    const f = new LayerForwarder({ codec: 'VP8' });
    f.setTarget(2, 0);
    f.onPacket({ layer: 2, sequenceNumber: 1, timestamp: 1, arrivalMs: 0, payload: vp8Payload({ start: true, keyframe: true, pictureId: 1, tl0PicIdx: 0 }) });
    expect(f.setTarget(0, 5)).toBe(true);
    expect(f.pendingLayer).toBe(0);
    expect(f.setTarget(2, 6)).toBe(false);
    expect(f.pendingLayer).toBeNull();
  });

  test('H.264 switches at the SPS, not at an IDR fragment without it', () => {
    const f = new LayerForwarder({ codec: 'H264' });
    f.setTarget(0, 0);
    expect(f.onPacket({ layer: 0, sequenceNumber: 1, timestamp: 1, arrivalMs: 0, payload: h264Payload('fu-idr-start') })).toBeNull();
    expect(f.onPacket({ layer: 0, sequenceNumber: 2, timestamp: 3001, arrivalMs: 33, payload: h264Payload('stap-sps') })?.switched?.to).toBe(0);
    expect(f.onPacket({ layer: 0, sequenceNumber: 3, timestamp: 3001, arrivalMs: 33, payload: h264Payload('fu-middle') })?.sequenceNumber).toBe(3);
  });

  test('a late packet from before the switch point of the current layer is dropped; one long after is not', () => {
    const f = new LayerForwarder({ codec: 'H264' });
    f.setTarget(0, 0);
    f.onPacket({ layer: 0, sequenceNumber: 100, timestamp: 1, arrivalMs: 0, payload: h264Payload('stap-sps') });
    expect(f.onPacket({ layer: 0, sequenceNumber: 99, timestamp: 1, arrivalMs: 1, payload: h264Payload('fu-middle') })).toBeNull();
    // Far past 32768 packets later the stream keeps flowing (the "older than the switch" floor trails).
    let seq = 100;
    for (let i = 0; i < 70_000; i++) {
      seq = (seq + 1) % 0x10000;
      expect(f.onPacket({ layer: 0, sequenceNumber: seq, timestamp: 1 + i, arrivalMs: 2 + i, payload: h264Payload('single-slice') })).not.toBeNull();
    }
  });
});

describe('LayerForwarder padding slots (probes)', () => {
  test('only after a frame end; later media is renumbered past the slots; forwarded padding keeps the state', () => {
    const f = new LayerForwarder({ codec: 'VP8' });
    f.setTarget(0, 0);
    expect(f.paddingSlot()).toBeNull(); // nothing sent yet
    f.onPacket({ layer: 0, sequenceNumber: 10, timestamp: 100, arrivalMs: 0, marker: false, payload: vp8Payload({ start: true, keyframe: true, pictureId: 1, tl0PicIdx: 0 }) });
    expect(f.paddingSlot()).toBeNull(); // inside a frame
    f.onPacket({ layer: 0, sequenceNumber: 11, timestamp: 100, arrivalMs: 1, marker: true, payload: vp8Payload({ start: false, keyframe: true, pictureId: 1, tl0PicIdx: 0 }) });
    // The publisher's own padding, forwarded, is not a frame start or end.
    expect(f.onPacket({ layer: 0, sequenceNumber: 12, timestamp: 100, arrivalMs: 2, payload: new Uint8Array() })?.sequenceNumber).toBe(12);
    expect(f.paddingSlot()).toEqual({ sequenceNumber: 13, timestamp: 100 });
    expect(f.paddingSlot()).toEqual({ sequenceNumber: 14, timestamp: 100 });
    expect(f.onPacket({ layer: 0, sequenceNumber: 13, timestamp: 3100, arrivalMs: 33, payload: vp8Payload({ start: true, keyframe: false, pictureId: 2, tl0PicIdx: 0 }) })?.sequenceNumber).toBe(15);
  });

  test('property: with slots taken at random frame ends the output sequence stays gap-free and unique', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ packets: fc.integer({ min: 1, max: 4 }), pads: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 0xffff }), (frames, base) => {
        const f = new LayerForwarder({ codec: 'VP8' });
        f.setTarget(0, 0);
        const out: number[] = [];
        let seq = base;
        frames.forEach((fr, k) => {
          for (let i = 0; i < fr.packets; i++) {
            const o = f.onPacket({ layer: 0, sequenceNumber: seq, timestamp: k * 3000, arrivalMs: k * 33, marker: i === fr.packets - 1, payload: vp8Payload({ start: i === 0, keyframe: k === 0, pictureId: k, tl0PicIdx: 0 }) });
            seq = (seq + 1) & 0xffff;
            if (o) out.push(o.sequenceNumber);
          }
          for (let j = 0; j < fr.pads; j++) {
            const slot = f.paddingSlot();
            expect(slot).not.toBeNull();
            out.push(slot!.sequenceNumber);
          }
        });
        for (let i = 1; i < out.length; i++) expect((out[i] - out[i - 1] + 0x10000) % 0x10000).toBe(1);
      }),
    );
  });
});
