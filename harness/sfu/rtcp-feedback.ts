// Source: draft-alvestrand-rmcat-remb-03 section 2.2 (REMB: BR Exp 6 bits, BR Mantissa 18 bits) and RFC 5104 section 4.3.1 (FIR).

import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback } from 'werift';

const MANTISSA_MAX = 0x3ffff; // 18 bits

/** The REMB encoding of a rate: the largest mantissa (most precise) with bitrate = mantissa x 2^exp <= bps. */
export function rembEncode(bps: number): { exp: number; mantissa: number } {
  let v = Math.max(0, Math.floor(bps));
  let exp = 0;
  while (v > MANTISSA_MAX) {
    v = Math.floor(v / 2);
    exp++;
  }
  if (exp > 63) return { exp: 63, mantissa: MANTISSA_MAX };
  return { exp, mantissa: v };
}

export function rembDecode(exp: number, mantissa: number): number {
  return mantissa * 2 ** exp;
}

/** A REMB packet telling the sender of `mediaSsrcs` to stay under `bps`. */
export function buildRemb(senderSsrc: number, mediaSsrcs: readonly number[], bps: number): RtcpPayloadSpecificFeedback {
  const { exp, mantissa } = rembEncode(bps);
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({
      senderSsrc,
      mediaSsrc: 0,
      brExp: exp,
      brMantissa: mantissa,
      ssrcNum: mediaSsrcs.length,
      ssrcFeedbacks: [...mediaSsrcs],
    }),
  });
}

/** FMT 4 of payload-specific feedback (RFC 5104 4.3.1); werift 0.25 does not export its FIR class. */
const FIR_FMT = 4;

/** A Full Intra Request for one media SSRC (the command sequence number lets the sender drop repeats). */
export function buildFir(senderSsrc: number, mediaSsrc: number, commandSeq: number): RtcpPayloadSpecificFeedback {
  const body = Buffer.alloc(16);
  body.writeUInt32BE(senderSsrc >>> 0, 0);
  body.writeUInt32BE(0, 4); // media source: unused in FIR
  body.writeUInt32BE(mediaSsrc >>> 0, 8);
  body.writeUInt8(commandSeq & 0xff, 12);
  // RTCP length: 32-bit words minus one, the 4-byte header included, so the body in words.
  const feedback = { count: FIR_FMT, length: body.length / 4, serialize: () => body };
  return new RtcpPayloadSpecificFeedback({ feedback: feedback as unknown as RtcpPayloadSpecificFeedback['feedback'] });
}
