import { describe, expect, test } from 'vitest';
import { h264NalTypes, isH264KeyframeStart, isH264SwitchPoint } from '../../harness/sfu/rtp/h264.ts';
import { isVp8FrameStart, isVp8KeyframeStart, parseVp8Descriptor, rewriteVp8Descriptor } from '../../harness/sfu/rtp/vp8.ts';
import { h264Payload, vp8Payload } from '../helpers/rtp-packets.ts';

describe('VP8 payload descriptor (RFC 7741)', () => {
  test('parses X/I/M/L fields and finds the payload header', () => {
    const p = vp8Payload({ start: true, keyframe: true, pictureId: 0x1234, tl0PicIdx: 7 });
    const d = parseVp8Descriptor(p);
    expect(d).toMatchObject({ startOfPartition: true, partitionIndex: 0, pictureId: 0x1234, pictureIdBits: 15, tl0PicIdx: 7, length: 5 });
  });

  test('a 7-bit PictureID, and a bare one-byte descriptor', () => {
    expect(parseVp8Descriptor(Uint8Array.from([0x90, 0x80, 0x05, 0x00]))).toMatchObject({ pictureId: 5, pictureIdBits: 7, length: 3 });
    expect(parseVp8Descriptor(Uint8Array.from([0x10, 0x00]))).toMatchObject({ pictureId: null, length: 1, startOfPartition: true });
  });

  test('truncated descriptors are rejected, not misread', () => {
    expect(parseVp8Descriptor(new Uint8Array())).toBeNull();
    expect(parseVp8Descriptor(Uint8Array.from([0x80]))).toBeNull();
    expect(parseVp8Descriptor(Uint8Array.from([0x80, 0x80, 0x80]))).toBeNull();
  });

  test('keyframe start: S, partition 0, P = 0; a delta frame or a continuation is not one', () => {
    expect(isVp8KeyframeStart(vp8Payload({ start: true, keyframe: true, pictureId: 1, tl0PicIdx: 0 }))).toBe(true);
    expect(isVp8KeyframeStart(vp8Payload({ start: true, keyframe: false, pictureId: 1, tl0PicIdx: 0 }))).toBe(false);
    expect(isVp8KeyframeStart(vp8Payload({ start: false, keyframe: true, pictureId: 1, tl0PicIdx: 0 }))).toBe(false);
    expect(isVp8FrameStart(vp8Payload({ start: true, keyframe: false, pictureId: 1, tl0PicIdx: 0 }))).toBe(true);
  });

  test('rewriting keeps the width of PictureID, wraps, and leaves other bytes alone', () => {
    const p = vp8Payload({ start: true, keyframe: true, pictureId: 100, tl0PicIdx: 3 });
    const r = rewriteVp8Descriptor(p, 0x8000 + 5, 256 + 9);
    expect(parseVp8Descriptor(r)).toMatchObject({ pictureId: 5, pictureIdBits: 15, tl0PicIdx: 9 });
    expect([...r.slice(5)]).toEqual([...p.slice(5)]);
    expect(parseVp8Descriptor(p)?.pictureId).toBe(100); // the input is not modified
  });
});

describe('H.264 NAL units (RFC 6184)', () => {
  test('STAP-A lists its aggregated NAL types; FU-A only on its first fragment', () => {
    expect(h264NalTypes(h264Payload('stap-sps'))).toEqual([7, 8]);
    expect(h264NalTypes(h264Payload('fu-idr-start'))).toEqual([5]);
    expect(h264NalTypes(h264Payload('fu-middle'))).toEqual([]);
    expect(h264NalTypes(h264Payload('single-slice'))).toEqual([1]);
  });

  test('a switch point needs the SPS; an IDR slice alone is a keyframe but not a switch point', () => {
    expect(isH264SwitchPoint(h264Payload('stap-sps'))).toBe(true);
    expect(isH264SwitchPoint(h264Payload('fu-idr-start'))).toBe(false);
    expect(isH264KeyframeStart(h264Payload('fu-idr-start'))).toBe(true);
    expect(isH264KeyframeStart(h264Payload('single-slice'))).toBe(false);
  });

  test('a STAP-A with a size past its end stops at the last whole NAL', () => {
    expect(h264NalTypes(Uint8Array.from([0x78, 0, 1, 0x67, 0, 9, 0x68]))).toEqual([7]);
  });
});
