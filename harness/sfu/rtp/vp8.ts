// Source: RFC 7741 (RTP payload format for VP8), sections 4.2 (payload descriptor) and 4.3 (payload header).
//
// The SFU reads the descriptor to find keyframes (switch points) and rewrites PictureID and
// TL0PICIDX so a subscriber sees one continuous picture numbering across simulcast layers.

export interface Vp8Descriptor {
  /** S: first packet of a partition. */
  startOfPartition: boolean;
  partitionIndex: number;
  /** Where the 7- or 15-bit PictureID sits, and its width; null when absent. */
  pictureIdOffset: number | null;
  pictureIdBits: 7 | 15 | null;
  pictureId: number | null;
  tl0PicIdxOffset: number | null;
  tl0PicIdx: number | null;
  /** Length of the descriptor: the VP8 payload (header) starts here. */
  length: number;
}

/** Parses the payload descriptor; null when the packet is too short to hold the one it announces. */
export function parseVp8Descriptor(payload: Uint8Array): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const b0 = payload[0];
  const extended = (b0 & 0x80) !== 0;
  let at = 1;
  let pictureIdOffset: number | null = null;
  let pictureIdBits: 7 | 15 | null = null;
  let pictureId: number | null = null;
  let tl0PicIdxOffset: number | null = null;
  let tl0PicIdx: number | null = null;
  if (extended) {
    if (payload.length < 2) return null;
    const b1 = payload[1];
    at = 2;
    const hasPictureId = (b1 & 0x80) !== 0;
    const hasTl0 = (b1 & 0x40) !== 0;
    const hasTidOrKeyIdx = (b1 & 0x20) !== 0 || (b1 & 0x10) !== 0;
    if (hasPictureId) {
      if (payload.length < at + 1) return null;
      pictureIdOffset = at;
      if (payload[at] & 0x80) {
        if (payload.length < at + 2) return null;
        pictureIdBits = 15;
        pictureId = ((payload[at] & 0x7f) << 8) | payload[at + 1];
        at += 2;
      } else {
        pictureIdBits = 7;
        pictureId = payload[at] & 0x7f;
        at += 1;
      }
    }
    if (hasTl0) {
      if (payload.length < at + 1) return null;
      tl0PicIdxOffset = at;
      tl0PicIdx = payload[at];
      at += 1;
    }
    if (hasTidOrKeyIdx) {
      if (payload.length < at + 1) return null;
      at += 1;
    }
  }
  return {
    startOfPartition: (b0 & 0x10) !== 0,
    partitionIndex: b0 & 0x07,
    pictureIdOffset,
    pictureIdBits,
    pictureId,
    tl0PicIdxOffset,
    tl0PicIdx,
    length: at,
  };
}

/** The first packet of a frame: S set on partition 0 (RFC 7741 4.2). */
export function isVp8FrameStart(payload: Uint8Array): boolean {
  const d = parseVp8Descriptor(payload);
  return d !== null && d.startOfPartition && d.partitionIndex === 0;
}

/** The first packet of a keyframe: a frame start whose payload header has P = 0 (RFC 7741 4.3). */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  const d = parseVp8Descriptor(payload);
  if (d === null || !d.startOfPartition || d.partitionIndex !== 0 || payload.length <= d.length) return false;
  return (payload[d.length] & 0x01) === 0;
}

/**
 * A copy of the payload with PictureID and TL0PICIDX replaced (wrapped to their widths). Fields the
 * packet does not carry are left alone; a 7-bit PictureID stays 7-bit.
 */
export function rewriteVp8Descriptor(payload: Uint8Array, pictureId: number | null, tl0PicIdx: number | null): Uint8Array {
  const d = parseVp8Descriptor(payload);
  const out = new Uint8Array(payload);
  if (d === null) return out;
  if (pictureId !== null && d.pictureIdOffset !== null) {
    if (d.pictureIdBits === 15) {
      const v = ((pictureId % 0x8000) + 0x8000) % 0x8000;
      out[d.pictureIdOffset] = 0x80 | (v >> 8);
      out[d.pictureIdOffset + 1] = v & 0xff;
    } else {
      out[d.pictureIdOffset] = ((pictureId % 0x80) + 0x80) % 0x80;
    }
  }
  if (tl0PicIdx !== null && d.tl0PicIdxOffset !== null) out[d.tl0PicIdxOffset] = ((tl0PicIdx % 256) + 256) % 256;
  return out;
}
