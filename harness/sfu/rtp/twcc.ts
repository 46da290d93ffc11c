// Source: draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1 (transport-wide feedback: status chunks, receive deltas).
//
// werift parses a feedback packet's chunks and deltas but its packetResults drops status-vector
// chunks (which Chrome sends for most packets); this turns the parsed parts into one result per packet.

/** Packet status symbols (section 3.1.1). */
export const TWCC_STATUS = { notReceived: 0, smallDelta: 1, largeDelta: 2 } as const;

export type TwccChunk =
  /** Run length chunk: `runLength` packets with one status. */
  | { kind: 'run'; status: number; runLength: number }
  /** Status vector chunk: one status per packet. */
  | { kind: 'vector'; statuses: readonly number[] };

export interface TwccFeedbackParts {
  baseSequenceNumber: number;
  packetStatusCount: number;
  /** In multiples of 64 ms (24 bits). */
  referenceTime: number;
  chunks: readonly TwccChunk[];
  /** One per received packet, in order, in microseconds (a multiple of 250 µs, may be negative). */
  deltasUs: readonly number[];
}

export interface TwccPacketResult {
  /** Transport-wide sequence number (16 bits). */
  transportSeq: number;
  /** Arrival on the receiver's clock (µs), null when reported lost. */
  receivedAtUs: number | null;
}

export function twccPacketResults(fb: TwccFeedbackParts): TwccPacketResult[] {
  const statuses: number[] = [];
  for (const c of fb.chunks) {
    if (c.kind === 'run') for (let i = 0; i < c.runLength; i++) statuses.push(c.status);
    else statuses.push(...c.statuses);
  }
  statuses.length = Math.min(statuses.length, fb.packetStatusCount); // the last chunk may be padded
  const out: TwccPacketResult[] = [];
  let atUs = fb.referenceTime * 64_000;
  let d = 0;
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    const seq = (fb.baseSequenceNumber + i) & 0xffff;
    if (s === TWCC_STATUS.smallDelta || s === TWCC_STATUS.largeDelta) {
      const delta = fb.deltasUs[d++];
      if (delta === undefined) break; // truncated feedback: stop rather than invent times
      atUs += delta;
      out.push({ transportSeq: seq, receivedAtUs: atUs });
    } else {
      out.push({ transportSeq: seq, receivedAtUs: null });
    }
  }
  return out;
}

/** werift's parsed TransportWideCC (structurally) -> the parts above. */
export function partsFromWerift(fb: {
  baseSequenceNumber: number;
  packetStatusCount: number;
  referenceTime: number;
  packetChunks: readonly ({ packetStatus: number; runLength: number } | { symbolList: number[] })[];
  recvDeltas: readonly { delta: number }[];
}): TwccFeedbackParts {
  return {
    baseSequenceNumber: fb.baseSequenceNumber,
    packetStatusCount: fb.packetStatusCount,
    referenceTime: fb.referenceTime,
    chunks: fb.packetChunks.map((c) => ('symbolList' in c ? { kind: 'vector', statuses: c.symbolList } : { kind: 'run', status: c.packetStatus, runLength: c.runLength })),
    deltasUs: fb.recvDeltas.map((r) => r.delta),
  };
}
