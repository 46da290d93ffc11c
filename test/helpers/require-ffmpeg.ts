// Scoring tests need ffmpeg: under CI=true its absence is a failure, elsewhere a printed skip.
import { test } from 'vitest';
import { resolveFfmpeg } from '../../harness/media/ffmpeg-path.ts';

/** The ffmpeg path, or null when missing (guard with describe.skipIf). Under CI a failing test says why. */
export function requireFfmpeg(): string | null {
  const found = resolveFfmpeg();
  if ('path' in found) return found.path;
  if (process.env.CI === 'true') {
    test('ffmpeg is available (required under CI=true)', () => {
      throw new Error(`${found.missing}; ${found.fix}`);
    });
  } else {
    console.warn(`skipping ffmpeg tests: ${found.missing}`);
  }
  return null;
}
