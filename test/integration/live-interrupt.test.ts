// Ctrl-C in the middle of a live run: the call ends, what was measured up to then is written (results.json, the
// report), the run says when it was cut, the exit code is 130, and no browser or profile is left behind.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../harness/run/types.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { projectRoot, tempDir } from '../helpers/run-cli.ts';
import { pgrepChromium } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();
const profiles = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('netqoe-chromium-')).map((f) => join(tmpdir(), f)));

describe.skipIf(!chromiumPath)('netqoe run interrupted', () => {
  it('SIGINT 5 s into a 65 s call: exit 130, results up to then, nothing left running', async () => {
    const out = tempDir();
    const before = profiles();
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'netqoe.js'), 'run', 'scenarios/live/sfu-downlink-drop.yaml', '--verbose', '--out', out], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const started = await new Promise<boolean>((r) => {
      const t = setInterval(() => {
        if (stderr.includes('"msg":"live call started"')) {
          clearInterval(t);
          r(true);
        }
      }, 100);
      setTimeout(() => {
        clearInterval(t);
        r(false);
      }, 40_000);
    });
    if (!started) {
      child.kill('SIGKILL');
      throw new Error(`the call did not start: ${stderr.slice(-800)}`);
    }
    const ours = [...profiles()].filter((d) => !before.has(d));
    await new Promise((r) => setTimeout(r, 5000));
    const sentAt = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    const tookMs = performance.now() - sentAt;
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsFile;
    const run = results.runs[0];
    console.log(`exit ${code} ${(tookMs / 1000).toFixed(1)} s after SIGINT; interrupted at ${run.interruptedAtMs} ms; ${run.timeline.filter((e) => e.kind === 'peer').length} peer samples; top layer after ${run.metrics.publisherTopLayerS} s`);
    expect(code).toBe(130);
    expect(results.runs).toHaveLength(1);
    expect(run.status).toBe('ok');
    // Cut a few seconds into the call, well before its 65 s.
    expect(run.interruptedAtMs).toBeGreaterThan(5000);
    expect(run.interruptedAtMs).toBeLessThan(30_000);
    const samples = run.timeline.flatMap((e) => (e.kind === 'peer' ? [e.sample] : []));
    expect(samples.some((s) => s.role === 'subscriber' && s.inbound.some((i) => i.framesDecoded > 0))).toBe(true);
    expect(samples.every((s) => s.tMs <= run.interruptedAtMs! + 1000)).toBe(true);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(stdout).toMatch(/interrupted at \d+\.\d s/);
    // Browsers and their profiles are gone.
    expect(ours.length).toBeGreaterThan(0);
    expect(pgrepChromium(ours)).toEqual([]);
    expect(ours.filter((d) => existsSync(d))).toEqual([]);
  }, 90_000);
});
