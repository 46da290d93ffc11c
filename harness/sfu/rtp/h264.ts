// Source: RFC 6184 (RTP payload format for H.264), sections 5.6-5.8 (single NAL, STAP-A, FU-A); ITU-T H.264 table 7-1 (NAL types).
//
// A switch point for H.264 is the first packet of an access unit carrying an IDR slice or the
// SPS that precedes it (libwebrtc sends SPS + PPS in a STAP-A, then the IDR in FU-As, one timestamp).

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;

/** NAL unit types a packet starts or carries whole (a FU-A contributes its type only on its first fragment). */
export function h264NalTypes(payload: Uint8Array): number[] {
  if (payload.length < 1) return [];
  const type = payload[0] & 0x1f;
  if (type === NAL_STAP_A) {
    const types: number[] = [];
    let at = 1;
    while (at + 2 < payload.length) {
      const size = (payload[at] << 8) | payload[at + 1];
      if (size === 0 || at + 2 + size > payload.length) break;
      types.push(payload[at + 2] & 0x1f);
      at += 2 + size;
    }
    return types;
  }
  if (type === NAL_FU_A) {
    if (payload.length < 2) return [];
    const start = (payload[1] & 0x80) !== 0;
    return start ? [payload[1] & 0x1f] : [];
  }
  return [type];
}

/** Does this packet begin an IDR access unit (SPS, or an IDR slice's first bytes)? */
export function isH264KeyframeStart(payload: Uint8Array): boolean {
  const types = h264NalTypes(payload);
  return types.includes(NAL_SPS) || types.includes(NAL_IDR);
}

/**
 * A packet the SFU may switch layers at: it carries the SPS that opens an IDR access unit. (An IDR
 * slice alone is not enough: the decoder would still hold the old layer's SPS and its resolution.)
 */
export function isH264SwitchPoint(payload: Uint8Array): boolean {
  return h264NalTypes(payload).includes(NAL_SPS);
}
