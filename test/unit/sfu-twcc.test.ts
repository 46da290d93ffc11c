import { describe, expect, test } from 'vitest';
import { TWCC_STATUS, twccPacketResults } from '../../harness/sfu/rtp/twcc.ts';

describe('transport-wide feedback results', () => {
  test('run-length and status-vector chunks, deltas accumulated from the reference time, lost packets null', () => {
    const r = twccPacketResults({
      baseSequenceNumber: 0xfffe,
      packetStatusCount: 6,
      referenceTime: 2, // 128 ms
      chunks: [
        { kind: 'run', status: TWCC_STATUS.smallDelta, runLength: 2 },
        { kind: 'vector', statuses: [TWCC_STATUS.notReceived, TWCC_STATUS.largeDelta, TWCC_STATUS.smallDelta, TWCC_STATUS.notReceived, 0] },
      ],
      deltasUs: [1000, 250, -500, 2000],
    });
    expect(r).toEqual([
      { transportSeq: 0xfffe, receivedAtUs: 129_000 },
      { transportSeq: 0xffff, receivedAtUs: 129_250 },
      { transportSeq: 0, receivedAtUs: null },
      { transportSeq: 1, receivedAtUs: 128_750 },
      { transportSeq: 2, receivedAtUs: 130_750 },
      { transportSeq: 3, receivedAtUs: null },
    ]);
  });

  test('a feedback with fewer deltas than received statuses stops instead of inventing times', () => {
    const r = twccPacketResults({ baseSequenceNumber: 5, packetStatusCount: 3, referenceTime: 0, chunks: [{ kind: 'run', status: TWCC_STATUS.smallDelta, runLength: 3 }], deltasUs: [250] });
    expect(r).toEqual([{ transportSeq: 5, receivedAtUs: 250 }]);
  });
});
