// `netqoe link` as a user runs it: the real bin/netqoe.js in a child process, UDP through it, Ctrl-C (SIGINT),
// exit code, the printed counters and link-timeline.json; `--backend netem` where netem is absent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkTimelineFile } from '../../harness/cli/commands/link.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../harness/cli/exit-codes.ts';
import { probeCapabilities } from '../../harness/netem/probe.ts';
import { freePort, linkScenarioFile, pinger, sleep, udpEcho } from '../helpers/relay-sockets.ts';
import { projectRoot, runCli, tempDir } from '../helpers/run-cli.ts';

const netemHere = (await probeCapabilities()).find((r) => r.name === 'netem')?.ok === true;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});



describe('netqoe link (CLI)', () => {
  it('relays UDP, prints counters, and on SIGINT prints the totals, writes link-timeline.json and exits 0', async () => {
    const dir = tempDir();
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const listen = await freePort();
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'netqoe.js'), 'link', linkScenarioFile(dir, 'cli-link', 60), '--listen', String(listen), '--forward', `127.0.0.1:${echo.port}`, '--out', dir, '--seed', '7'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // The SIGINT handler is installed once the banner is out.
    for (let i = 0; i < 200 && !stdout.includes('Ctrl-C to stop'); i++) await sleep(25);
    expect(stdout, stderr).toContain('Ctrl-C to stop');
    const p = await pinger();
    cleanup.push(p.close);
    for (let i = 0; i < 25; i++) {
      p.ping(listen, i);
      await sleep(50);
    }
    for (let i = 0; i < 80 && !/^t=1s/m.test(stdout); i++) await sleep(25);
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT_OK);
    expect(stderr).toBe('');

    expect(p.rtts.size).toBe(25);
    const rtts = [...p.rtts.values()].sort((a, b) => a - b);
    expect(rtts[12]).toBeGreaterThanOrEqual(30);
    expect(rtts[12]).toBeLessThan(40);
    expect(stdout).toContain(`127.0.0.1:${listen} (udp) -> 127.0.0.1:${echo.port}`);
    expect(stdout).toMatch(/seed 7\) on the userspace relay \(thread priority: (SCHED_FIFO \d+|.*nice -10|.*normal priority.*)\)/);
    expect(stdout).toMatch(/^t=1s {2}phase main \| down .* Mbit\/s .*\| up .*$/m);
    expect(stdout).toMatch(/stopped \(signal\) after \d+\.\d s/);
    expect(stdout).toMatch(/^down: 25 packets in, 25 delivered, 0 dropped \(queue 0, loss 0, outage 0\)/m);
    expect(stdout).toMatch(/^up: 25 packets in, 25 delivered, 0 dropped/m);
    expect(stdout).toContain(`timeline: ${join(dir, 'link-timeline.json')}`);

    const file = JSON.parse(readFileSync(join(dir, 'link-timeline.json'), 'utf8')) as LinkTimelineFile;
    expect(file).toMatchObject({ schema: 'netqoe.link-timeline/1', backend: 'relay', endedBy: 'signal', scenario: { name: 'cli-link', seed: 7 } });
    expect(file.counters.up.in.packets).toBe(25);
    expect(file.counters.down.delivered.packets).toBe(25);
    const up = file.samples.filter((s) => s.direction === 'up');
    expect(up.length).toBeGreaterThanOrEqual(1);
    expect(up[0].capacityBps).toBe(2e6);
    expect(up.reduce((n, s) => n + s.packetsIn, 0)).toBeLessThanOrEqual(25);
  });

  // With netem present the refusal is about the loopback port instead (covered in relay-link-cli.test.ts).
  it.skipIf(netemHere)('--backend netem exits 2 with the reason where the probe finds no netem', async () => {
    const dir = tempDir();
    const r = runCli(['link', linkScenarioFile(dir, 'cli-link', 60), '--backend', 'netem', '--listen', String(await freePort()), '--forward', '127.0.0.1:9']);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^netqoe link: link backend netem is not usable here: netem: .*netqoe doctor/);
  });

  it('refuses a missing --forward and an unknown backend with exit 2', () => {
    const dir = tempDir();
    const file = linkScenarioFile(dir, 'cli-link', 60);
    const missing = runCli(['link', file, '--listen', '40000']);
    expect(missing.code).toBe(EXIT_BAD_INPUT);
    expect(missing.stderr).toMatch(/--forward/);
    const backend = runCli(['link', file, '--backend', 'kernel', '--listen', '40000', '--forward', '127.0.0.1:9']);
    expect(backend.code).toBe(EXIT_BAD_INPUT);
    expect(backend.stderr).toMatch(/relay.*netem/);
  });
});
