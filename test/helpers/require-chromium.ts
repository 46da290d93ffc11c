// Browser tests need Chromium: under CI=true its absence is a failure, elsewhere a printed skip.
import { test } from 'vitest';
import { findChromium } from '../../harness/browser/chromium-path.ts';

/**
 * Returns the Chromium path, or null when it is missing. Call at module level and guard the browser
 * tests with `describe.skipIf(!chromiumPath)`. When missing under CI, registers a test that fails with the reason.
 */
export function requireChromium(): string | null {
  const found = findChromium();
  if ('path' in found) return found.path;
  if (process.env.CI === 'true') {
    test('Chromium is available (required under CI=true)', () => {
      throw new Error(found.missing);
    });
  } else {
    console.warn(`skipping Chromium tests: ${found.missing}`);
  }
  return null;
}
