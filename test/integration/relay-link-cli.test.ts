// `netqoe link` (linkCommand): a shaped link alone between a loopback port and a target, live counters,
// the timeline file on exit, and bad input refused with exit code 2.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_TIMELINE_FILE, linkCommand, type LinkCommandOptions, type LinkTimelineFile } from '../../harness/cli/commands/link.ts';
import type { ProbeResult } from '../../harness/netem/probe.ts';
import { freePort, linkScenarioFile, pinger, sleep, udpEcho } from '../helpers/relay-sockets.ts';
import { tempDir } from '../helpers/run-cli.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});



function capture(): { out: string[]; err: string[]; opts: Pick<LinkCommandOptions, 'write' | 'writeErr' | 'isTty'> } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, opts: { write: (s) => out.push(s), writeErr: (s) => err.push(s), isTty: false } };
}

describe('netqoe link', () => {
  it('relays a loopback port through the scenario, prints a line a second and writes the timeline', async () => {
    const dir = tempDir();
    const echo = await udpEcho();
    cleanup.push(echo.close);
    const listen = await freePort();
    const io = capture();
    const running = linkCommand(linkScenarioFile(dir, 'link-cli', 3.3), { ...io.opts, listen: String(listen), forward: `127.0.0.1:${echo.port}`, out: dir });
    // Ping once it listens (it says so): a loaded machine took over 600 ms to start the relay's thread.
    for (let i = 0; i < 200 && !io.out.join('').includes('Ctrl-C to stop'); i++) await sleep(25);
    const p = await pinger();
    cleanup.push(p.close);
    for (let i = 0; i < 20; i++) {
      p.ping(listen, i);
      await sleep(40);
    }
    expect(await running).toBe(0);
    expect(p.rtts.size).toBe(20);
    const rtt = [...p.rtts.values()].sort((a, b) => a - b)[10];
    expect(rtt).toBeGreaterThanOrEqual(30);
    expect(rtt).toBeLessThan(40);

    const text = io.out.join('');
    expect(text).toContain(`127.0.0.1:${listen} (udp) -> 127.0.0.1:${echo.port}`);
    expect(text.match(/^t=\ds {2}phase main \| down .*\| up .*$/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/stopped \(scenario end\)/);
    const file = JSON.parse(readFileSync(join(dir, LINK_TIMELINE_FILE), 'utf8')) as LinkTimelineFile;
    expect(file).toMatchObject({ schema: 'netqoe.link-timeline/1', backend: 'relay', endedBy: 'end', scenario: { name: 'link-cli', durationMs: 3300 } });
    expect(file.samples.filter((s) => s.kind === 'relay' && s.direction === 'up' && s.windowMs === 1000)).toHaveLength(3);
    expect(file.samples.find((s) => s.direction === 'down')?.capacityBps).toBe(10e6);
    expect(file.counters.up.in.packets).toBe(20);
    expect(file.counters.down.delivered.packets).toBe(20);
  });

  it('stops on a signal (Ctrl-C) before the scenario ends', async () => {
    const dir = tempDir();
    const io = capture();
    const ac = new AbortController();
    const started = performance.now();
    const running = linkCommand(linkScenarioFile(dir, 'link-cli', 60), { ...io.opts, listen: await freePort(), forward: '127.0.0.1:9', tcp: true, out: dir, signal: ac.signal });
    await sleep(400);
    ac.abort();
    expect(await running).toBe(0);
    // Long before the scenario's 60 s would have ended it.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(io.out.join('')).toContain('(udp+tcp)');
    expect(JSON.parse(readFileSync(join(dir, LINK_TIMELINE_FILE), 'utf8'))).toMatchObject({ endedBy: 'signal', listen: { protocols: ['udp', 'tcp'] } });
  });

  it('refuses bad input with exit code 2 and a reason', async () => {
    const dir = tempDir();
    const file = linkScenarioFile(dir, 'link-cli', 5);
    const cases: [Partial<LinkCommandOptions>, RegExp][] = [
      [{ forward: '10.0.0.1:80' }, /refusing 10\.0\.0\.1/],
      [{ forward: '127.0.0.1' }, /HOST:PORT/],
      [{ listen: 'abc' }, /--listen: expected a port/],
      [{ backend: 'kernel' }, /expected relay or netem/],
    ];
    for (const [over, message] of cases) {
      const io = capture();
      expect(await linkCommand(file, { ...io.opts, listen: '40000', forward: '127.0.0.1:9', ...over })).toBe(2);
      expect(io.err.join('')).toMatch(message);
    }
    const io = capture();
    expect(await linkCommand(join(dir, 'missing.yaml'), { ...io.opts, listen: '40000', forward: '127.0.0.1:9' })).toBe(2);
  });

  it('--backend netem says why it cannot run, from the probe', async () => {
    const dir = tempDir();
    const file = linkScenarioFile(dir, 'link-cli', 5);
    const probe = (netemOk: boolean) => async (): Promise<ProbeResult[]> =>
      ['netns', 'netem', 'tbf', 'ifb'].map((name) => ({ name, ok: name !== 'netem' || netemOk, detail: name === 'netem' && !netemOk ? 'sch_netem not available in this kernel' : 'ok' }));
    const missing = capture();
    expect(await linkCommand(file, { ...missing.opts, listen: '40000', forward: '127.0.0.1:9', backend: 'netem', probe: probe(false) })).toBe(2);
    expect(missing.err.join('')).toMatch(/netem: sch_netem not available in this kernel/);
    const present = capture();
    expect(await linkCommand(file, { ...present.opts, listen: '40000', forward: '127.0.0.1:9', backend: 'netem', probe: probe(true) })).toBe(2);
    expect(present.err.join('')).toMatch(/netem backend: .*see netqoe doctor/);
  });

  it('a port in use is bad input, not a crash', async () => {
    const dir = tempDir();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => busy.close());
    const port = (busy.address() as { port: number }).port;
    const io = capture();
    expect(await linkCommand(linkScenarioFile(dir, 'link-cli', 5), { ...io.opts, listen: String(port), forward: '127.0.0.1:9', tcp: true })).toBe(2);
    expect(io.err.join('')).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });
});
