// No Docker engine runs here: the image definition is checked statically (dockerfile-utils, the
// linter behind VS Code's Dockerfile support) and against the repository it copies from.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/run-cli.ts';

const dockerfile = readFileSync(join(projectRoot, 'docker', 'Dockerfile'), 'utf8');

describe('docker/Dockerfile', () => {
  it('has no lint problems', () => {
    const problems = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('copies files that exist and starts the real entry point', () => {
    for (const m of dockerfile.matchAll(/^COPY\s+(.+)\s+\S+$/gm)) {
      for (const src of m[1].split(/\s+/)) if (src !== '.') expect(existsSync(join(projectRoot, src)), src).toBe(true);
    }
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/opt\/netqoe\/bin\/netqoe\.js"\]/);
    expect(existsSync(join(projectRoot, 'bin', 'netqoe.js'))).toBe(true);
    // Node in the image must run TypeScript directly (>= 22.18).
    expect(Number(/FROM node:(\d+)/.exec(dockerfile)?.[1])).toBeGreaterThanOrEqual(24);
  });
});
