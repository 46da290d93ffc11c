// The encoded streaming ladder on real ffmpeg: a 12 s 360p clip encoded at three rungs (ultrafast, 2 s segments),
// each segment read back with ffmpeg: one keyframe, first; 2 s long; the rung's resolution; the rung's average
// near its target; the Sabre manifest's sizes are the files' sizes; and the simulator streams that manifest.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { encodedLadder, type EncodedLadder } from '../../fixtures/encoded-ladder.ts';
import type { SegmentFormat } from '../../fixtures/ladder-plan.ts';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { getAbr } from '../../algorithms/abr/registry.ts';
import { runSimScenario } from '../../harness/run/run-sim.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import type { Rung } from '../../harness/scenario/types.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';
import { runCli } from '../helpers/run-cli.ts';
import { readSegment } from '../helpers/segment-packets.ts';

const ffmpeg = requireFfmpeg();
const dir = mkdtempSync(join(tmpdir(), 'netqoe-ladder-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNGS: Rung[] = [
  { bitrateBps: 250e3, width: 256, height: 144, fps: 30 },
  { bitrateBps: 500e3, width: 426, height: 240, fps: 30 },
  { bitrateBps: 1000e3, width: 640, height: 360, fps: 30 },
];
const SEGMENT_MS = 2000;
const FRAME_S = 1 / 30;

/** Encodes into a fresh cache folder (the clip itself comes from the shared cache: scoring tests use it too). */
async function encode(segmentFormat: SegmentFormat, cacheDir: string): Promise<EncodedLadder> {
  const clip = await ensureReferenceClip({ height: 360, durationS: 12, scenes: ['pattern', 'gradient'] });
  return encodedLadder({
    source: { file: clip.path },
    rungs: RUNGS,
    segmentDurationMs: SEGMENT_MS,
    encoder: { preset: 'ultrafast', segmentFormat },
    env: { ...process.env, NETQOE_FIXTURES_DIR: cacheDir },
  });
}

describe.skipIf(!ffmpeg)('encoded ladder (real ffmpeg)', () => {
  test.each(['mpegts', 'fmp4'] as const)('%s: every segment starts with its only keyframe, lasts one segment, has the rung size; averages near target', async (format) => {
    const started = performance.now();
    const ladder = await encode(format, join(dir, format));
    const encodeS = (performance.now() - started) / 1000;
    expect(ladder.cached).toBe(false);
    expect(ladder.segmentCount).toBe(6); // 12 s / 2 s
    expect(ladder.rungs.map((r) => r.rung)).toEqual(RUNGS);

    const movie = JSON.parse(readFileSync(ladder.sabreManifest, 'utf8')) as { segment_duration_ms: number; bitrates_kbps: number[]; segment_sizes_bits: number[][] };
    expect(movie.segment_duration_ms).toBe(SEGMENT_MS);
    expect(movie.bitrates_kbps).toEqual([250, 500, 1000]);
    expect(movie.segment_sizes_bits).toHaveLength(6);

    const master = readFileSync(ladder.masterPlaylist, 'utf8');
    for (const [q, r] of ladder.rungs.entries()) {
      expect(master).toContain(`RESOLUTION=${r.rung.width}x${r.rung.height}`);
      expect(r.segments).toHaveLength(6);
      if (format === 'fmp4') expect(r.initSegment).not.toBeNull();
      let bytes = 0;
      for (const [s, file] of r.segments.entries()) {
        const size = statSync(file).size;
        bytes += size;
        expect(movie.segment_sizes_bits[s][q]).toBe(size * 8);
        const seg = await readSegment(ffmpeg!, file, r.initSegment);
        expect(seg.size, `${file} size`).toEqual({ width: r.rung.width, height: r.rung.height });
        expect(seg.packets[0].key, `${file} starts with a keyframe`).toBe(true);
        expect(seg.packets.filter((p) => p.key), `${file}: one keyframe (GOP = segment)`).toHaveLength(1);
        const startS = Math.min(...seg.packets.map((p) => p.ptsS));
        const endS = Math.max(...seg.packets.map((p) => p.ptsS + p.durationS));
        expect(Math.abs(endS - startS - SEGMENT_MS / 1000), `${file} lasts ${endS - startS} s`).toBeLessThanOrEqual(FRAME_S + 1e-6);
      }
      const avgBps = (bytes * 8) / ((6 * SEGMENT_MS) / 1000);
      console.log(`${format} ${r.rung.width}x${r.rung.height} target ${r.rung.bitrateBps / 1000} kbps: average ${(avgBps / 1000).toFixed(0)} kbps, peak segment ${(r.peakBitrateBps / 1000).toFixed(0)} kbps`);
      expect(r.averageBitrateBps).toBeCloseTo(avgBps, 6);
      expect(Math.abs(avgBps / r.rung.bitrateBps - 1)).toBeLessThan(0.25);
    }
    console.log(`${format}: 3 rungs x 12 s encoded (2 passes) and written in ${encodeS.toFixed(1)} s`);

    // The second call finds it cached: same folder, same sizes, no encode.
    const again = await encode(format, join(dir, format));
    expect(again.cached).toBe(true);
    expect(again.dir).toBe(ladder.dir);
    expect(again.rungs.map((r) => r.segmentBytes)).toEqual(ladder.rungs.map((r) => r.segmentBytes));
  }, 90_000);

  test('an encode that fails part-way leaves no cache and no temp folder', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 12, scenes: ['pattern', 'gradient'] });
    // An ffmpeg that works for the first rung and fails on the second (run with the rung's folder as cwd).
    const wrapper = join(dir, 'ffmpeg-fails-on-rung1.sh');
    writeFileSync(wrapper, `#!/bin/sh\ncase "$PWD" in */rung1) echo "simulated failure" >&2; exit 1;; esac\nexec ${JSON.stringify(ffmpeg)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const cacheDir = join(dir, 'failing');
    const attempt = encodedLadder({
      source: { file: clip.path },
      rungs: RUNGS,
      encoder: { preset: 'ultrafast', passes: 1 },
      env: { ...process.env, NETQOE_FIXTURES_DIR: cacheDir, FFMPEG_PATH: wrapper },
    });
    await expect(attempt).rejects.toThrow(/failed \(exit 1\)[\s\S]*simulated failure/);
    expect(readdirSync(cacheDir)).toEqual([]);
  }, 30_000);

  test('the simulator streams the Sabre manifest: the real segment sizes, and avgBitrate follows the link', async () => {
    const ladder = await encode('mpegts', join(dir, 'mpegts')); // cached by the test above when it ran
    const movie = JSON.parse(readFileSync(ladder.sabreManifest, 'utf8')) as { segment_sizes_bits: number[][] };
    const scenarioFile = join(dir, 'ladder.yaml');
    const run = (down: string) => {
      const yaml = `name: encoded-ladder\nduration: 40s\nnetwork:\n  - {name: link, at: 0s, down: ${down}, up: 10Mbps, rtt: 40ms}\nmedia:\n  manifest: ${JSON.stringify(ladder.sabreManifest)}\n  buffer: 8s\nalgorithms:\n  abr: [throughput]\n`;
      writeFileSync(scenarioFile, yaml);
      const scenario = parseScenarioText(yaml, scenarioFile);
      expect(scenario.media.source).toBe('manifest');
      expect(scenario.media.rungs).toEqual(RUNGS); // the manifest's resolutions, not ones guessed from the bitrates
      return runSimScenario(scenario, getAbr('throughput')!);
    };
    for (const down of ['20Mbps', '400kbps']) {
      const r = run(down);
      const segs = r.timeline.filter((e) => e.kind === 'segment');
      expect(segs).toHaveLength(6);
      for (const e of segs) {
        expect(e.bytes * 8).toBe(movie.segment_sizes_bits[e.index][e.quality]);
        expect(e.bitrateBps).toBe(RUNGS[e.quality].bitrateBps);
      }
      const meanKbps = segs.reduce((a, e) => a + e.bitrateBps / 1000, 0) / segs.length;
      expect(r.metrics.avgBitrateKbps).toBeCloseTo(meanKbps, 6);
      console.log(`sim on the encoded ladder, ${down}: avgBitrate ${r.metrics.avgBitrateKbps.toFixed(0)} kbps, qualities ${segs.map((e) => e.quality).join(' ')}`);
      if (down === '20Mbps') expect(segs.slice(1).every((e) => e.quality === 2)).toBe(true);
      // 400 kbps cannot carry the 500 kbps rung (its 2 s segments are ~1 Mbit): the player stays low.
      else expect(r.metrics.avgBitrateKbps).toBeLessThan(500);
    }
  }, 60_000);

  test('netqoe fixtures ladder encodes the default ladder of a given file, --out copies it, a second run finds it cached', async () => {
    // A 4 s source: the default ladder goes up to 720p, which costs most of this test.
    const clip = await ensureReferenceClip({ height: 360, durationS: 4, scenes: ['pattern'] });
    const env = { NETQOE_FIXTURES_DIR: join(dir, 'cli') };
    const out = join(dir, 'cli-out');
    const first = runCli(['fixtures', 'ladder', '--source', clip.path, '--preset', 'ultrafast', '--segment', '1s', '--out', out], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/\(encoded in [\d.]+ s\): 4 segments of 1 s, mpegts/);
    expect(first.stdout).toMatch(/1280x720@30 +target {2}3000 kbps: average +\d+ kbps/);
    const movie = JSON.parse(readFileSync(join(out, 'movie.json'), 'utf8')) as { segment_duration_ms: number; bitrates_kbps: number[]; segment_sizes_bits: number[][] };
    expect(movie.segment_duration_ms).toBe(1000);
    expect(movie.bitrates_kbps).toEqual([300, 750, 1500, 3000]);
    expect(movie.segment_sizes_bits[2][3]).toBe(statSync(join(out, 'rung3', 'seg_00002.ts')).size * 8);
    const again = runCli(['fixtures', 'ladder', '--source', clip.path, '--preset', 'ultrafast', '--segment', '1s', '--json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ cached: true, segmentCount: 4 });
    const missing = runCli(['fixtures', 'ladder'], { env: { ...env, FFMPEG_PATH: join(dir, 'no-ffmpeg') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FFMPEG_PATH=.*no-ffmpeg is not an executable file/);
  }, 60_000);
});
