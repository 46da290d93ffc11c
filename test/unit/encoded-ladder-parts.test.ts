// The encoded ladder's pure parts: options check, cache key, ffmpeg arguments, playlists, Sabre manifest; and the
// removal of an interrupted run's temp folders.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { parseFfmpegDurationMs, removeDeadTmpDirs } from '../../fixtures/encoded-ladder.ts';
import { masterPlaylist, parseMediaPlaylist, rungStats, sabreManifest } from '../../fixtures/ladder-manifests.ts';
import { DEFAULT_ENCODED_LADDER, ladderCacheKey, planLadder, rungEncodeArgs, wholeSegments } from '../../fixtures/ladder-plan.ts';
import { parseSabreManifest } from '../../harness/scenario/media.ts';
import type { Rung } from '../../harness/scenario/types.ts';
import { parseFramecrc, parseVideoSize } from '../helpers/segment-packets.ts';

const R = (kbps: number, width: number, height: number, fps = 30): Rung => ({ bitrateBps: kbps * 1000, width, height, fps });
const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('planLadder', () => {
  test('defaults: 4 rungs 300k-3M, 240p-720p, 2 s segments, 2-pass MPEG-TS', () => {
    const p = planLadder();
    expect(p.rungs).toEqual(DEFAULT_ENCODED_LADDER);
    expect(p.rungs.map((r) => [r.bitrateBps / 1000, r.height])).toEqual([[300, 240], [750, 360], [1500, 480], [3000, 720]]);
    expect(p.segmentDurationMs).toBe(2000);
    expect(p.encoder).toMatchObject({ passes: 2, segmentFormat: 'mpegts' });
  });

  test.each([
    [{ rungs: [] }, /rungs: expected at least one rung/],
    [{ rungs: [R(500, 640, 360), R(300, 426, 240)] }, /rungs\[1\]\.bitrateBps: expected ascending bitrates, got 300000 after 500000/],
    [{ rungs: [R(300, 427, 240)] }, /rungs\[0\]\.width: expected an even integer > 0, got 427/],
    [{ rungs: [R(300, 426, 240, 29.97)] }, /rungs\[0\]\.fps: expected a segment \(2000 ms\) of whole frames/],
    [{ segmentDurationMs: 0 }, /segmentDurationMs: expected a duration > 0/],
    [{ encoder: { preset: 'turbo' } }, /encoder\.preset: expected an x264 preset/],
    [{ encoder: { maxrateRatio: 0.8 } }, /encoder\.maxrateRatio: expected >= 1/],
    [{ encoder: { segmentFormat: 'webm' as 'fmp4' } }, /encoder\.segmentFormat: expected mpegts or fmp4/],
  ])('rejects %j naming the field', (opts, message) => {
    expect(() => planLadder(opts)).toThrow(message);
  });

  test('wholeSegments drops a partial last segment', () => {
    expect(wholeSegments(10_000, 2000)).toBe(5);
    expect(wholeSegments(11_999, 2000)).toBe(5);
    expect(wholeSegments(1999, 2000)).toBe(0);
    expect(wholeSegments((299 * 1000) / 29.9, 2000)).toBe(5); // float noise does not lose a segment
  });
});

describe('ladderCacheKey', () => {
  const base = planLadder({ rungs: [R(300, 426, 240), R(750, 640, 360)] });
  const key = (p = base, src = 'ref-720p30-10s-v1.y4m', ff = 'ffmpeg version 4.1') => ladderCacheKey(p, src, ff);

  test('is stable and changes with the source, the ffmpeg, every rung field, the segment and every encoder setting', () => {
    const k = key();
    expect(key(planLadder({ rungs: [R(300, 426, 240), R(750, 640, 360)] }))).toBe(k);
    const variants = [
      key(base, 'ref-720p30-12s-v1.y4m'),
      key(base, undefined, 'ffmpeg version 6.1'),
      key(planLadder({ rungs: [R(300, 426, 240), R(800, 640, 360)] })),
      key(planLadder({ rungs: [R(300, 426, 240), R(750, 854, 480)] })),
      key(planLadder({ rungs: [R(300, 426, 240), R(750, 640, 360, 15)] })),
      key(planLadder({ rungs: base.rungs, segmentDurationMs: 4000 })),
      key(planLadder({ rungs: base.rungs, encoder: { preset: 'ultrafast' } })),
      key(planLadder({ rungs: base.rungs, encoder: { passes: 1 } })),
      key(planLadder({ rungs: base.rungs, encoder: { maxrateRatio: 1.2 } })),
      key(planLadder({ rungs: base.rungs, encoder: { bufsizeRatio: 1 } })),
      key(planLadder({ rungs: base.rungs, encoder: { segmentFormat: 'fmp4' } })),
    ];
    expect(new Set([k, ...variants]).size).toBe(variants.length + 1);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('rungEncodeArgs', () => {
  const plan = planLadder({ rungs: [R(750, 640, 360, 25)], segmentDurationMs: 4000 });
  const rung = plan.rungs[0];

  test('GOP of one segment, keyframes forced at boundaries, constrained VBR, HLS segments', () => {
    const a = rungEncodeArgs({ input: '/clip.y4m', rung, plan, frames: 300, pass: 2 });
    expect(argAfter(a, '-g')).toBe('100'); // 4 s x 25 fps
    expect(argAfter(a, '-sc_threshold')).toBe('0');
    expect(argAfter(a, '-force_key_frames')).toBe('expr:gte(t,n_forced*4)');
    expect([argAfter(a, '-b:v'), argAfter(a, '-maxrate'), argAfter(a, '-bufsize')]).toEqual(['750k', '1125k', '1500k']);
    expect(argAfter(a, '-vf')).toBe('fps=25,scale=640:360:flags=bicubic,setsar=1');
    expect(argAfter(a, '-frames:v')).toBe('300');
    expect(argAfter(a, '-hls_time')).toBe('4');
    expect(argAfter(a, '-hls_segment_type')).toBe('mpegts');
    expect(argAfter(a, '-hls_segment_filename')).toBe('seg_%05d.ts');
    expect(a.at(-1)).toBe('index.m3u8');
  });

  test('pass 1 writes only the stats; single pass has no pass flags; fMP4 names its init segment', () => {
    const p1 = rungEncodeArgs({ input: '/clip.y4m', rung, plan, frames: 300, pass: 1 });
    expect(p1.slice(-3)).toEqual(['-f', 'null', '-']);
    expect(argAfter(p1, '-pass')).toBe('1');
    const single = rungEncodeArgs({ input: '/clip.y4m', rung, plan, frames: 300, pass: null });
    expect(single).not.toContain('-pass');
    const fmp4 = rungEncodeArgs({ input: '/c.y4m', rung, plan: { ...plan, encoder: { ...plan.encoder, segmentFormat: 'fmp4' } }, frames: 300, pass: 2 });
    expect(argAfter(fmp4, '-hls_fmp4_init_filename')).toBe('init.mp4');
    expect(argAfter(fmp4, '-hls_segment_filename')).toBe('seg_%05d.m4s');
  });
});

describe('playlists and the Sabre manifest', () => {
  test('parseMediaPlaylist reads segments, durations, the init segment and the end', () => {
    const text = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000000,\nseg_00000.m4s\n#EXTINF:1.966667,\nseg_00001.m4s\n#EXT-X-ENDLIST\n';
    expect(parseMediaPlaylist(text, 'x.m3u8')).toEqual({
      initUri: 'init.mp4',
      segments: [{ uri: 'seg_00000.m4s', durationS: 2 }, { uri: 'seg_00001.m4s', durationS: 1.966667 }],
      ended: true,
    });
    expect(() => parseMediaPlaylist('hello\n', 'x.m3u8')).toThrow('x.m3u8: line 1: expected #EXTM3U');
    expect(() => parseMediaPlaylist('#EXTM3U\nseg.ts\n', 'x.m3u8')).toThrow('x.m3u8: line 2: segment "seg.ts" without #EXTINF');
  });

  test('rungStats: average and largest-segment bit rates', () => {
    expect(rungStats([250_000, 500_000], 2000)).toEqual({ averageBitrateBps: 1_500_000, peakBitrateBps: 2_000_000 });
  });

  test('masterPlaylist: one variant per rung, peak BANDWIDTH and AVERAGE-BANDWIDTH', () => {
    const m = masterPlaylist([{ rung: R(300, 426, 240), uri: 'rung0/index.m3u8', stats: { averageBitrateBps: 310_000.4, peakBitrateBps: 420_000 } }], { fmp4: false });
    expect(m).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=420000,AVERAGE-BANDWIDTH=310001,RESOLUTION=426x240,FRAME-RATE=30.000\nrung0/index.m3u8\n',
    );
  });

  test('property: the Sabre manifest is the transposed sizes in bits and the scenario loader reads it back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((q) =>
          fc.tuple(
            fc.uniqueArray(fc.integer({ min: 50, max: 20_000 }), { minLength: q, maxLength: q }),
            fc.integer({ min: 1, max: 8 }).chain((n) => fc.array(fc.array(fc.integer({ min: 1, max: 5e6 }), { minLength: n, maxLength: n }), { minLength: q, maxLength: q })),
            fc.integer({ min: 1, max: 10 }),
          ),
        ),
        ([kbps, bytes, segS]) => {
          // Sizes and frame rates unlike what the loader would guess from the bitrate.
          const rungs = [...kbps].sort((a, b) => a - b).map((k, i) => R(k, 2 * (100 + i), 2 * (50 + i), 24 + i));
          const movie = sabreManifest(rungs, bytes, segS * 1000);
          const back = parseSabreManifest(JSON.stringify(movie), 'movie.json');
          expect(back.segmentDurationMs).toBe(segS * 1000);
          expect(back.rungs).toEqual(rungs);
          expect(back.segmentSizesBits.length).toBe(bytes[0].length);
          back.segmentSizesBits.forEach((row, s) => row.forEach((bits, q) => expect(bits).toBe(bytes[q][s] * 8)));
        },
      ),
    );
  });

  test('the scenario loader checks the optional resolutions and frame_rates, and guesses without them', () => {
    const base = { segment_duration_ms: 2000, bitrates_kbps: [300, 3000], segment_sizes_bits: [[1, 2]] };
    const load = (extra: object) => parseSabreManifest(JSON.stringify({ ...base, ...extra }), 'movie.json');
    expect(load({}).rungs.map((r) => [r.width, r.height, r.fps])).toEqual([[426, 240, 30], [1920, 1080, 30]]);
    expect(load({ resolutions: ['426x240', '1280x720'], frame_rates: [15, 30] }).rungs.map((r) => [r.width, r.height, r.fps])).toEqual([[426, 240, 15], [1280, 720, 30]]);
    expect(() => load({ resolutions: ['426x240'] })).toThrow(/resolutions: expected 2 resolutions like "1280x720" \(one per bitrate\), got \["426x240"\]/);
    expect(() => load({ resolutions: ['426x240', 'big'] })).toThrow(/resolutions: expected 2 resolutions/);
    expect(() => load({ frame_rates: [30, 0] })).toThrow(/frame_rates: expected 2 numbers > 0/);
  });

  test('sabreManifest refuses rungs cut differently', () => {
    expect(() => sabreManifest([R(300, 426, 240), R(750, 640, 360)], [[1, 2, 3], [1, 2]], 2000)).toThrow('rung 1 has 2 segments, rung 0 has 3');
  });
});

describe('ffmpeg output parsing', () => {
  test('parseFfmpegDurationMs', () => {
    expect(parseFfmpegDurationMs('Input #0, yuv4mpegpipe, from \'a.y4m\':\n  Duration: 00:00:12.00, start: 0.000000, bitrate: 82944 kb/s')).toBe(12_000);
    expect(parseFfmpegDurationMs('  Duration: 01:02:03.45, start')).toBe(3_723_450);
    expect(parseFfmpegDurationMs('  Duration: N/A, bitrate: N/A')).toBeNull();
  });

  test('parseFramecrc (test helper): time base, keyframe flags, sizes', () => {
    const text = '#tb 0: 1/90000\n#media_type 0: video\n0,          0,          0,     3000,     5584, 0x507ebc3d, S=1,        1, 0x00e000e0\n0,       3000,       3000,     3000,     1603, 0x431913bd, F=0x0, S=1, 1, 0x00e000e0\n';
    expect(parseFramecrc(text)).toEqual([
      { ptsS: 0, durationS: 3000 / 90000, key: true, bytes: 5584 },
      { ptsS: 3000 / 90000, durationS: 3000 / 90000, key: false, bytes: 1603 },
    ]);
    expect(parseVideoSize('    Stream #0:0[0x100]: Video: h264 (Constrained Baseline) ([27][0][0][0] / 0x001B), yuv420p(progressive), 426x240 [SAR 1:1 DAR 71:40], 30 fps')).toEqual({ width: 426, height: 240 });
  });
});

describe('removeDeadTmpDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'netqoe-ladder-tmp-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("removes a dead process's half-written ladder, keeps a live one's and other folders", () => {
    const dead = join(root, 'ladder-abc.4194305.x1.tmp'); // above any pid_max
    const live = join(root, `ladder-abc.${process.pid}.x2.tmp`);
    const other = join(root, 'ladder-abd.4194305.x3.tmp');
    const done = join(root, 'ladder-abc');
    for (const d of [dead, live, other, done]) mkdirSync(d);
    removeDeadTmpDirs(root, 'ladder-abc.');
    expect([dead, live, other, done].map((d) => existsSync(d))).toEqual([false, true, true, true]);
  });
});
