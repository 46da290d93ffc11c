// Synthetic RTP payloads for the SFU's forwarding tests: VP8 (RFC 7741) and H.264 (RFC 6184) packets.

/** A VP8 packet with X, I (15-bit PictureID) and L (TL0PICIDX); the first of a frame carries S and the payload header. */
export function vp8Payload(opts: { start: boolean; keyframe: boolean; pictureId: number; tl0PicIdx: number; bytes?: number }): Uint8Array {
  const head = [0x80 | (opts.start ? 0x10 : 0), 0x80 | 0x40, 0x80 | ((opts.pictureId >> 8) & 0x7f), opts.pictureId & 0xff, opts.tl0PicIdx & 0xff];
  // Payload header byte 0: bit 0 is P (0 = keyframe); later packets carry frame data only.
  const body = new Array(Math.max(1, opts.bytes ?? 20)).fill(0xaa);
  if (opts.start) body[0] = opts.keyframe ? 0x10 : 0x11;
  return Uint8Array.from([...head, ...body]);
}

/** An H.264 packet: STAP-A with SPS+PPS (keyframe start), FU-A fragments, or a single NAL. */
export function h264Payload(kind: 'stap-sps' | 'fu-idr-start' | 'fu-middle' | 'single-slice'): Uint8Array {
  switch (kind) {
    case 'stap-sps':
      return Uint8Array.from([0x78, 0, 3, 0x67, 0x42, 0x1f, 0, 2, 0x68, 0xce]);
    case 'fu-idr-start':
      return Uint8Array.from([0x7c, 0x85, 1, 2, 3]);
    case 'fu-middle':
      return Uint8Array.from([0x7c, 0x05, 4, 5, 6]);
    case 'single-slice':
      return Uint8Array.from([0x41, 9, 9, 9]);
  }
}
