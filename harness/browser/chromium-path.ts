// Where the Chromium binary is: CHROME_PATH first, then the usual Debian/Ubuntu/Chrome install paths.
import { accessSync, constants, statSync } from 'node:fs';

export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export type ChromiumLookup = { path: string } | { missing: string };

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv) {
    // An explicit CHROME_PATH that does not work is an error, not a reason to fall back silently.
    if (isExecutableFile(fromEnv)) return { path: fromEnv };
    return { missing: `CHROME_PATH=${fromEnv} is not an executable file; fix CHROME_PATH or unset it to use ${CHROMIUM_CANDIDATES.join(', ')}` };
  }
  for (const candidate of CHROMIUM_CANDIDATES) {
    if (isExecutableFile(candidate)) return { path: candidate };
  }
  return {
    missing:
      `Chromium not found (looked in ${CHROMIUM_CANDIDATES.join(', ')}): install it with ` +
      '`apt-get install -y chromium`, or set CHROME_PATH to a Chromium/Chrome binary',
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
