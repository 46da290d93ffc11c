// `netqoe run ... | head`: the reader closes the pipe early. The run must still finish, write its results and
// exit with its own code (a failed expectation is 1), not 0 at the first write to the closed pipe.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../helpers/run-cli.ts';

describe('netqoe run into a pipe closed early', () => {
  it('keeps exit code 1 of a failed expectation and writes results.json', async () => {
    const out = tempDir();
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'netqoe.js'), 'run', 'scenarios/step-down-up.yaml', '--abr', './test/fixtures/greedy-abr.ts', '--out', out], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the first byte, as `| head -c 0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).toBe('');
    expect(code).toBe(1);
    for (const f of ['results.json', 'index.html', 'junit.xml']) expect(existsSync(join(out, f)), f).toBe(true);
  }, 60_000);
});
