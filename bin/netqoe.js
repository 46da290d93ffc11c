#!/usr/bin/env node
// netqoe's entry point. The sources are TypeScript run directly by Node (type stripping);
// on a Node too old for that, re-run under the Node 24 that `npm ci` installed (scripts/node-runtime.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { currentNodeIsEnough, ensureNodeBinDir, projectRoot } from '../scripts/node-runtime.mjs';

// `netqoe run ... | head`: a closed pipe silences the rest of the output, but the command goes on to the end (a run
// still writes its results) and keeps its own exit code (a failed expectation is still 1).
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.write = () => true;
});

if (currentNodeIsEnough()) {
  const { main } = await import('../harness/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  const node = join(ensureNodeBinDir(), 'node');
  const r = spawnSync(node, [join(projectRoot, 'bin', 'netqoe.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 3);
}
