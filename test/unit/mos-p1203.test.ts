// P.1203 mode 0 against the published outputs of the reference implementation itu-p1203 v1.10.0
// (github.com/itu-p1203/itu-p1203): test/test.py TEST_OUTPUT, test_model_functions and test_pq, on the inputs of
// examples/mode0.json, mode0_without_audio.json, mode0_low_audio_quality.json, mode0_long_stalling.json, request.json.
import { describe, expect, it } from 'vitest';
import { p1203AudioPerSecond, type P1203AudioSegment } from '../../harness/metrics/mos/p1203-audio.ts';
import { p1203Integrate } from '../../harness/metrics/mos/p1203-integration.ts';
import { loadP1203Trees, p1203RandomForest, parseP1203Tree } from '../../harness/metrics/mos/p1203-random-forest.ts';
import { p1203MosFromQ, p1203QFromMos } from '../../harness/metrics/mos/p1203-shared.ts';
import { p1203O22Mode0, p1203VideoPerSecond, type P1203VideoSegment } from '../../harness/metrics/mos/p1203-video.ts';

const FHD = 1920 * 1080;
// examples/mode0.json I13: four 1080p25 segments.
const VIDEO: P1203VideoSegment[] = [
  { startS: 0, durationS: 5.48, bitrateKbps: 691.72, width: 1920, height: 1080, fps: 25 },
  { startS: 5.48, durationS: 5.0, bitrateKbps: 4158.04, width: 1920, height: 1080, fps: 25 },
  { startS: 10.48, durationS: 5.0, bitrateKbps: 7172.66, width: 1920, height: 1080, fps: 25 },
  { startS: 15.48, durationS: 4.598, bitrateKbps: 6593.59, width: 1920, height: 1080, fps: 25 },
];
const audio = (kbps: number[]): P1203AudioSegment[] => VIDEO.map((v, i) => ({ startS: v.startS, durationS: v.durationS, bitrateKbps: kbps[i], codec: 'aaclc' }));
// examples/mode0.json I11 (and mode0_long_stalling.json).
const AUDIO = audio([331.46, 333.02, 333.2, 333.57]);
const O22_PUBLISHED = [4.072543327408124, 4.387760507756067, 4.468355547928019, 4.457277347608129];
const O21_PUBLISHED = [4.5595879322084585, 4.559587948700646, 4.559587950522131, 4.559587954215205];
const perSegment = (values: number[]) => values.flatMap((v) => [v, v, v, v, v]);

const trees = loadP1203Trees();

describe('P.1203.1 mode 0 video (O.22)', () => {
  it('reproduces test_model_functions (rounded to 3 decimals in the reference test)', () => {
    expect(p1203O22Mode0({ codingPixels: FHD, displayPixels: FHD, bitrateKbps: 2801.27587623, fps: 30 })).toBeCloseTo(4.311, 3);
    expect(p1203O22Mode0({ codingPixels: 852 * 480, displayPixels: FHD, bitrateKbps: 629.203792838, fps: 30 })).toBeCloseTo(2.664, 3);
    expect(p1203O22Mode0({ codingPixels: 426 * 240, displayPixels: FHD, bitrateKbps: 224.771246112, fps: 30 })).toBeCloseTo(1.085, 3);
  });

  it('reproduces O.22 per second of examples/mode0.json: 20 s, a new segment showing at the end of second 5', () => {
    const o22 = p1203VideoPerSecond(VIDEO);
    expect(o22).toHaveLength(20);
    perSegment(O22_PUBLISHED).forEach((v, i) => expect(o22[i]).toBeCloseTo(v, 10));
  });

  it('MOSfromR and RfromMOS are inverse on 1.05..4.9', () => {
    for (const q of [0, 5, 20, 50, 77.7, 99]) expect(p1203QFromMos(p1203MosFromQ(q))).toBeCloseTo(q, 2);
    expect(p1203MosFromQ(-3)).toBe(1.05);
    expect(p1203MosFromQ(120)).toBe(4.9);
  });
});

describe('P.1203.2 mode 0 audio (O.21)', () => {
  it('reproduces O.21 per second of examples/mode0.json and the 8 kbps AAC-LC of mode0_low_audio_quality.json', () => {
    const o21 = p1203AudioPerSecond(AUDIO);
    expect(o21).toHaveLength(20);
    perSegment(O21_PUBLISHED).forEach((v, i) => expect(o21[i]).toBeCloseTo(v, 10));
    expect(p1203AudioPerSecond(audio([8, 8, 8, 8]))[0]).toBeCloseTo(1.3202018830742475, 10);
  });
});

describe('P.1203.3 integration', () => {
  const o22 = p1203VideoPerSecond(VIDEO);
  const o21 = p1203AudioPerSecond(AUDIO);

  it('mode0.json (no stall): O.34 = O.35 = 5, stalling term 5', () => {
    const r = p1203Integrate({ o21, o22, stalls: [] });
    expect(r.o34.every((q) => q === 5)).toBe(true);
    expect(r.o35).toBeCloseTo(5, 10);
    expect(r.stallingMos).toBe(5);
  });

  it('mode0_without_audio.json: stalls [0 s, 2 s] and [5 s, 2 s] give the published stalling term 3.7471461951950604', () => {
    const r = p1203Integrate({ o21: [], o22, stalls: [{ positionS: 0, durationS: 2 }, { positionS: 5, durationS: 2 }] });
    expect(r.stallingMos).toBeCloseTo(3.7471461951950604, 10);
    expect(r.o35).toBeCloseTo(5, 10);
  });

  it('mode0_long_stalling.json (Amendment 1): stalling term 1.9003358607261784', () => {
    const r = p1203Integrate({ o21, o22, stalls: [{ positionS: 0, durationS: 5 }, { positionS: 5, durationS: 30 }], amendment1Audiovisual: true, amendment1Stalling: true });
    expect(r.stallingMos).toBeCloseTo(1.9003358607261784, 10);
  });

  it('mode0_low_audio_quality.json (Amendment 1 audiovisual): O.34 and O.35 = 2.14953312904681', () => {
    const r = p1203Integrate({ o21: p1203AudioPerSecond(audio([8, 8, 8, 8])), o22, stalls: [], amendment1Audiovisual: true, amendment1Stalling: true });
    expect(r.o34[0]).toBeCloseTo(2.0538718628057846, 10);
    expect(Math.max(...r.o34)).toBeCloseTo(2.1811235862152265, 10);
    expect(r.o35).toBeCloseTo(2.14953312904681, 10);
  });

  it('request.json: 298 s of 1080p25 at 1000 kbps, AAC-LC 128 kbps, 2 s initial loading', () => {
    const v = p1203VideoPerSecond([{ startS: 0, durationS: 298, bitrateKbps: 1000, width: 1920, height: 1080, fps: 25 }]);
    const a = p1203AudioPerSecond([{ startS: 0, durationS: 298, bitrateKbps: 128, codec: 'aaclc' }]);
    expect(v[0]).toBeCloseTo(4.136734047915369, 10);
    expect(a[0]).toBeCloseTo(4.553814018489559, 10);
    const r = p1203Integrate({ o21: a, o22: v, stalls: [{ positionS: 0, durationS: 2 }] });
    expect(r.stallingMos).toBeCloseTo(4.5816540429887915, 10);
    expect(r.o35).toBeCloseTo(5.000000000000003, 10);
  });

  it('without the trees, O.46 is f1 + f2 x the parametric estimate (random-forest quarter replaced by it)', () => {
    const r = p1203Integrate({ o21: [], o22, stalls: [{ positionS: 0, durationS: 2 }, { positionS: 5, durationS: 2 }] });
    expect(r.randomForestUsed).toBe(false);
    const parametric = 1 + (r.o35 - 1) * ((r.stallingMos - 1) / 4);
    expect(r.o46).toBeCloseTo(0.02833052 + 0.98117059 * parametric, 10);
  });

  it('a forest enters O.46 with weight 0.25 (a one-leaf tree predicting 2)', () => {
    const forest = p1203RandomForest([parseP1203Tree('0, -1, 2.0, -1, -1\n', 'leaf.csv')]);
    const without = p1203Integrate({ o21, o22, stalls: [] });
    const withRf = p1203Integrate({ o21, o22, stalls: [], randomForest: forest });
    const parametric = (without.o46 - 0.02833052) / 0.98117059;
    expect(withRf.o46).toBeCloseTo(0.02833052 + 0.98117059 * (0.75 * parametric + 0.25 * 2), 10);
  });

  it('tree files: a bad row names the file and line', () => {
    expect(() => parseP1203Tree('0, 1, 2.5, 1, 2\n1, x, 0, 0, 0\n', 'tree9.csv')).toThrow(/tree9\.csv:2/);
  });

  // The random-forest trees are not shipped (research-only licence): these run with NETQOE_P1203_TREES set to
  // a folder of the Recommendation's tree*.csv files (itu_p1203/trees in the reference implementation).
  describe.skipIf(trees === null)('with the P.1203.3 trees (NETQOE_P1203_TREES)', () => {
    it('reproduces the published O.46 of mode0, mode0_long_stalling, mode0_low_audio_quality, request and test_pq', () => {
      expect(p1203Integrate({ o21, o22, stalls: [], randomForest: trees }).o46).toBeCloseTo(4.856602221536679, 8);
      expect(
        p1203Integrate({ o21, o22, stalls: [{ positionS: 0, durationS: 5 }, { positionS: 5, durationS: 30 }], randomForest: trees, amendment1Audiovisual: true, amendment1Stalling: true }).o46,
      ).toBeCloseTo(1.6591689792365254, 8);
      expect(
        p1203Integrate({ o21: p1203AudioPerSecond(audio([8, 8, 8, 8])), o22, stalls: [], randomForest: trees, amendment1Audiovisual: true, amendment1Stalling: true }).o46,
      ).toBeCloseTo(2.6518582395750956, 8);
      const v = p1203VideoPerSecond([{ startS: 0, durationS: 298, bitrateKbps: 1000, width: 1920, height: 1080, fps: 25 }]);
      const a = p1203AudioPerSecond([{ startS: 0, durationS: 298, bitrateKbps: 128, codec: 'aaclc' }]);
      expect(p1203Integrate({ o21: a, o22: v, stalls: [{ positionS: 0, durationS: 2 }], randomForest: trees }).o46).toBeCloseTo(4.49827464036625, 8);
      const pq = p1203Integrate({ o21: [1, 2, 3, 4], o22: [2, 3, 4, 1], stalls: [{ positionS: 2, durationS: 1 }, { positionS: 3, durationS: 2 }], randomForest: trees });
      expect(pq.o46).toBeCloseTo(1.6962865586232978, 8);
    });
  });
});
