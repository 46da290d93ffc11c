// No Chromium outlives a session: not after an error inside it, not after a failed start, not after SIGINT.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { liveSessions, startBrowserSession, withBrowserSession } from '../../harness/browser/session.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { leftoverProcesses, pgrepChromium } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();
const FIXTURE = fileURLToPath(new URL('../fixtures/sfu-session-sigint.ts', import.meta.url));
const seenDirs: string[] = [];
const seenPids: number[] = [];

afterAll(async () => {
  for (const s of liveSessions()) await s.close();
  // After every session of this file: `pgrep -f chromium` finds none of ours.
  const deadline = Date.now() + 3000;
  while (pgrepChromium(seenDirs).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (pgrepChromium(seenDirs).length > 0) throw new Error(`Chromium left running: ${pgrepChromium(seenDirs).join('; ')}`);
  const profiles = seenDirs.filter((d) => existsSync(d));
  if (profiles.length > 0) throw new Error(`Chromium profiles left behind: ${profiles.join(', ')}`);
});

describe.skipIf(!chromiumPath)('browser session teardown', () => {
  test('an error thrown inside a session closes its browser', async () => {
    const sfu = new Sfu();
    const { url } = await sfu.start();
    sfu.createRoom('r', { token: 't' });
    try {
      await expect(
        withBrowserSession({ signalingUrl: url, peers: [{ id: 'pub', role: 'publisher', room: 'r', token: 't' }] }, async (s) => {
          seenDirs.push(...s.userDataDirs);
          seenPids.push(...s.pids);
          expect(leftoverProcesses(s.userDataDirs, s.pids).length).toBeGreaterThan(0); // it was running
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
    } finally {
      await sfu.stop();
    }
    await expect.poll(() => leftoverProcesses(seenDirs, seenPids), { timeout: 3000 }).toEqual([]);
    expect(liveSessions()).toEqual([]);
  }, 30_000);

  test('a start that fails (no SFU to join) closes its browser and reports why', async () => {
    const before = new Set(liveSessions());
    const launched: { userDataDir: string; pid: number | undefined }[] = [];
    await expect(
      startBrowserSession({
        signalingUrl: 'ws://127.0.0.1:9/',
        peers: [{ id: 'pub', role: 'publisher', room: 'r', token: 't' }],
        startTimeoutMs: 5000,
        onBrowser: (b) => launched.push(b),
      }),
    ).rejects.toThrow(/signaling closed before join|timed out/);
    expect(launched.length).toBe(1);
    seenDirs.push(launched[0].userDataDir);
    expect(liveSessions().filter((s) => !before.has(s))).toEqual([]);
    await expect.poll(() => leftoverProcesses([launched[0].userDataDir], launched[0].pid === undefined ? [] : [launched[0].pid]), { timeout: 3000 }).toEqual([]);
  }, 30_000);

  test('SIGINT to a runner closes its browsers and exits 130', async () => {
    const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await expect.poll(() => out.includes('READY'), { timeout: 25_000, interval: 200 }).toBe(true);
    } catch (e) {
      child.kill('SIGKILL');
      throw new Error(`fixture did not start: ${err.slice(-500)} ${String(e)}`);
    }
    const { dirs, pids } = JSON.parse(out.slice(out.indexOf('READY') + 6).split('\n')[0]) as { dirs: string[]; pids: number[] };
    seenDirs.push(...dirs);
    expect(leftoverProcesses(dirs, pids).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await expect.poll(() => leftoverProcesses(dirs, pids), { timeout: 3000 }).toEqual([]);
    expect(pgrepChromium(dirs)).toEqual([]);
    // Its throwaway profiles are gone too (puppeteer's own SIGINT exit used to leave them).
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  }, 40_000);
});
