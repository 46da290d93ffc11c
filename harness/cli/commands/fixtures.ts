// `netqoe fixtures ladder`: encode (or find cached) the streaming ladder of fixtures/encoded-ladder.ts and say
// where its HLS playlists and Sabre manifest are; --out copies the folder. Exit 2 when ffmpeg is missing or fails.
import { cpSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { encodedLadder, loadLadder, type EncodedLadder } from '../../../fixtures/encoded-ladder.ts';
import type { SegmentFormat } from '../../../fixtures/ladder-plan.ts';
import { parseDurationMs } from '../../scenario/units.ts';
import { EXIT_OK, UserInputError } from '../exit-codes.ts';

export interface FixturesLadderOptions {
  source?: string;
  segment?: string;
  format?: SegmentFormat;
  preset?: string;
  out?: string;
  json?: boolean;
  write?: (text: string) => void;
}

export async function fixturesLadderCommand(opts: FixturesLadderOptions): Promise<number> {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  let segmentDurationMs: number | undefined;
  if (opts.segment !== undefined) {
    const p = parseDurationMs(opts.segment);
    if (!p.ok || !(p.value > 0)) throw new UserInputError(`--segment: expected ${p.ok ? 'a duration > 0' : p.expected}, got "${opts.segment}"`);
    segmentDurationMs = p.value;
  }
  const started = performance.now();
  let ladder: EncodedLadder;
  try {
    ladder = await encodedLadder({
      source: opts.source === undefined ? undefined : { file: opts.source },
      segmentDurationMs,
      encoder: { ...(opts.format && { segmentFormat: opts.format }), ...(opts.preset && { preset: opts.preset }) },
    });
  } catch (err) {
    // ffmpeg missing or failing, an unreadable source, a bad option: all fixable here (exit 2).
    throw new UserInputError((err as Error).message);
  }
  const tookS = (performance.now() - started) / 1000;
  if (opts.out) {
    const out = resolve(opts.out);
    if (existsSync(join(out, 'ladder.json'))) throw new UserInputError(`--out: ${out} already holds a ladder; give an empty or new folder`);
    cpSync(ladder.dir, out, { recursive: true });
    ladder = loadLadder(out, ladder.cached);
  }
  if (opts.json) {
    write(`${JSON.stringify(ladder, null, 2)}\n`);
    return EXIT_OK;
  }
  const show = (p: string) => relative(process.cwd(), p) || '.';
  const lines = [
    `ladder ${show(ladder.dir)} (${ladder.cached ? 'cached' : `encoded in ${tookS.toFixed(1)} s`}): ${ladder.segmentCount} segments of ${ladder.segmentDurationMs / 1000} s, ${ladder.segmentFormat}`,
    `HLS master playlist: ${show(ladder.masterPlaylist)}`,
    `Sabre manifest:      ${show(ladder.sabreManifest)}  (media: {manifest: ...} in a scenario, or netqoe run --trace T --manifest ...)`,
    ...ladder.rungs.map(
      (r) =>
        `  ${`${r.rung.width}x${r.rung.height}@${r.rung.fps}`.padEnd(14)} target ${String(r.rung.bitrateBps / 1000).padStart(5)} kbps: ` +
        `average ${(r.averageBitrateBps / 1000).toFixed(0).padStart(5)} kbps, largest segment ${(r.peakBitrateBps / 1000).toFixed(0).padStart(5)} kbps`,
    ),
  ];
  write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
