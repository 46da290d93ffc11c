// Capability probe behind `netqoe doctor` and the `auto` link backend: for each backend and dependency,
// whether it works here and why not. Tries the real thing (a throwaway namespace, a veth pair, each qdisc)
// and reports the kernel's own message; runs its groups in parallel, leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ffmpegHasFilter, ffmpegVersion, resolveFfmpeg, type FfmpegLookup } from '../media/ffmpeg-path.ts';
import { libvmafWorks } from '../media/vmaf.ts';
import { findOnPath, isExecutableFile } from '../media/find-executable.ts';
import { makeRunCommand, type RunCommand } from './run-command.ts';
import { probeThreadPriority } from '../relay/thread-priority.ts';

export interface ProbeResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** What the default path (userspace relay + simulator) needs; doctor exits 0 when these hold. */
export const DEFAULT_PATH_CHECKS: readonly string[] = ['node', 'relay'];
/** What the netem backend needs. */
export const NETEM_BACKEND_CHECKS: readonly string[] = ['netns', 'netem', 'tbf', 'ifb'];

export type ChromiumLookup = { path: string } | { missing: string };

export interface ProbeOptions {
  run?: RunCommand;
  env?: NodeJS.ProcessEnv;
  /** Default: process.getuid() === 0. */
  isRoot?: boolean;
  findChromium?: (env: NodeJS.ProcessEnv) => ChromiumLookup | Promise<ChromiumLookup>;
  resolveFfmpeg?: (env: NodeJS.ProcessEnv) => FfmpegLookup;
  /** Skip groups (e.g. ['chromium']) in tests. */
  skip?: string[];
}

export function findProbe(results: readonly ProbeResult[], name: string): ProbeResult | undefined {
  return results.find((r) => r.name === name);
}

export function defaultPathOk(results: readonly ProbeResult[]): boolean {
  return DEFAULT_PATH_CHECKS.every((n) => findProbe(results, n)?.ok === true);
}

/** The first reason the netem backend cannot run here, or null when it can. */
export function netemBackendProblem(results: readonly ProbeResult[]): string | null {
  for (const name of NETEM_BACKEND_CHECKS) {
    const r = findProbe(results, name);
    if (!r) return `${name}: not probed`;
    if (!r.ok) return `${name}: ${r.detail}`;
  }
  return null;
}

const NODE_MIN = [22, 18];

function probeNode(): ProbeResult {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1]);
  return {
    name: 'node',
    ok,
    detail: `Node ${process.versions.node}${ok ? ' (runs TypeScript by type stripping)' : `: netqoe needs >= ${NODE_MIN.join('.')}`}`,
    ...(ok ? {} : { fix: 'install Node 24 LTS (npm install runs scripts/ensure-node.mjs, which fetches one)' }),
  };
}

/** The relay is userspace: it needs loopback UDP and TCP sockets, nothing else. */
async function probeRelay(): Promise<ProbeResult> {
  try {
    await new Promise<void>((resolve, reject) => {
      const sock = createSocket('udp4');
      sock.once('error', reject);
      sock.bind(0, '127.0.0.1', () => sock.close(() => resolve()));
    });
    await new Promise<void>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => srv.close(() => resolve()));
    });
    const priority = await probeThreadPriority('realtime').catch((err: Error) => ({ applied: 'normal', detail: err.message }));
    const timing =
      priority.applied === 'realtime'
        ? `its thread gets ${priority.detail}`
        : `its thread gets ${priority.applied} priority (${priority.detail}): live timing follows this machine's load`;
    return { name: 'relay', ok: true, detail: `userspace UDP/TCP relay on 127.0.0.1: no root, no kernel features; ${timing}` };
  } catch (err) {
    return {
      name: 'relay',
      ok: false,
      detail: `cannot open loopback sockets: ${(err as Error).message}`,
      fix: 'netqoe needs UDP and TCP sockets on 127.0.0.1 (check a sandbox or seccomp profile)',
    };
  }
}

const ROOT_FIX =
  'run as root (sudo) or with CAP_NET_ADMIN and CAP_SYS_ADMIN (docker: --cap-add=NET_ADMIN --cap-add=SYS_ADMIN); the relay backend needs neither';

/** netns, netem, tbf, htb, ifb: tried for real inside one throwaway namespace, deleted at the end. */
async function probeKernel(run: RunCommand, isRoot: boolean): Promise<ProbeResult[]> {
  const ns = `nqprobe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const names = ['netns', 'netem', 'tbf', 'htb', 'ifb'];
  const all = (ok: boolean, detail: string, fix?: string) => names.map((name) => ({ name, ok, detail, ...(fix ? { fix } : {}) }));

  const add = await run(['ip', 'netns', 'add', ns]);
  if (add.code === 127) return all(false, 'ip (iproute2) is not installed', 'apt-get install -y iproute2');
  if (add.code !== 0) {
    const who = isRoot ? 'as root' : `as uid ${process.getuid?.() ?? '?'}`;
    return [
      { name: 'netns', ok: false, detail: `ip netns add failed ${who}: ${add.stderr}`, fix: ROOT_FIX },
      ...all(false, 'not checked: needs a network namespace').slice(1),
    ];
  }
  const tcIn = (...args: string[]) => run(['tc', '-n', ns, ...args]);
  const results: ProbeResult[] = [];
  try {
    const veth = await run(['ip', '-n', ns, 'link', 'add', 'nqp0', 'type', 'veth', 'peer', 'name', 'nqp1']);
    if (veth.code !== 0) {
      results.push({ name: 'netns', ok: false, detail: `namespaces work but a veth pair does not: ${veth.stderr}`, fix: 'load the veth module (modprobe veth)' });
      results.push(...all(false, 'not checked: needs a veth pair').slice(1));
      return results;
    }
    results.push({ name: 'netns', ok: true, detail: `ip netns add and a veth pair work (${isRoot ? 'root' : 'with capabilities'})` });

    const netem = await tcIn('qdisc', 'add', 'dev', 'nqp0', 'root', 'handle', '1:', 'netem', 'delay', '1ms');
    if (netem.code === 127) return [...results, ...all(false, 'tc (iproute2) is not installed', 'apt-get install -y iproute2').slice(1)];
    const kernel = release();
    if (netem.code === 0) results.push({ name: 'netem', ok: true, detail: 'sch_netem works (delay, loss, gemodel)' });
    else if (/unknown/i.test(netem.stderr))
      results.push({
        name: 'netem',
        ok: false,
        detail: `sch_netem not available in this kernel (${netem.stderr})`,
        fix: `load it (modprobe sch_netem; on Ubuntu it is in linux-modules-extra-${kernel}) or use a kernel built with CONFIG_NET_SCH_NETEM; the relay backend works without it`,
      });
    else results.push({ name: 'netem', ok: false, detail: `adding a netem qdisc failed: ${netem.stderr}`, fix: ROOT_FIX });

    // tbf as netem's child when netem exists (the exact shape the backend uses), else on lo.
    const tbf =
      netem.code === 0
        ? await tcIn('qdisc', 'add', 'dev', 'nqp0', 'parent', '1:1', 'handle', '2:', 'tbf', 'rate', '1mbit', 'burst', '3028', 'limit', '30000')
        : await tcIn('qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '1mbit', 'burst', '3028', 'limit', '30000');
    results.push(
      tbf.code === 0
        ? { name: 'tbf', ok: true, detail: `sch_tbf works${netem.code === 0 ? ' (as netem child)' : ''}` }
        : { name: 'tbf', ok: false, detail: `sch_tbf not usable (${tbf.stderr})`, fix: 'modprobe sch_tbf (CONFIG_NET_SCH_TBF)' },
    );

    const htb = await tcIn('qdisc', 'add', 'dev', 'nqp1', 'root', 'handle', '1:', 'htb', 'default', '1');
    const htbClass = htb.code === 0 ? await tcIn('class', 'add', 'dev', 'nqp1', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10mbit') : htb;
    results.push(
      htbClass.code === 0
        ? { name: 'htb', ok: true, detail: 'sch_htb works' }
        : { name: 'htb', ok: false, detail: `sch_htb not usable (${htbClass.stderr})`, fix: 'modprobe sch_htb (CONFIG_NET_SCH_HTB)' },
    );

    // IFB plus what feeds it: an ingress qdisc and a mirred redirect.
    const ifb = await run(['ip', '-n', ns, 'link', 'add', 'nqpifb0', 'type', 'ifb']);
    const ingress = ifb.code === 0 ? await tcIn('qdisc', 'add', 'dev', 'nqp0', 'handle', 'ffff:', 'ingress') : ifb;
    const mirred =
      ingress.code === 0
        ? await tcIn('filter', 'add', 'dev', 'nqp0', 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0',
            'action', 'mirred', 'egress', 'redirect', 'dev', 'nqpifb0')
        : ingress;
    if (mirred.code === 0) results.push({ name: 'ifb', ok: true, detail: 'IFB device, ingress qdisc and mirred redirect work' });
    else {
      const what = ifb.code !== 0 ? 'IFB device' : ingress.code !== 0 ? 'ingress qdisc' : 'u32 filter with mirred redirect';
      results.push({ name: 'ifb', ok: false, detail: `${what} not usable (${mirred.stderr})`, fix: 'modprobe ifb act_mirred cls_u32 sch_ingress' });
    }
    return results;
  } finally {
    const del = await run(['ip', 'netns', 'del', ns]);
    if (del.code !== 0) results.push({ name: 'cleanup', ok: false, detail: `could not delete probe namespace ${ns}: ${del.stderr}`, fix: `ip netns del ${ns}` });
  }
}

async function probeChromium(opts: ProbeOptions, env: NodeJS.ProcessEnv, run: RunCommand): Promise<ProbeResult> {
  let found: ChromiumLookup;
  if (opts.findChromium) found = await opts.findChromium(env);
  else {
    try {
      // Written by the browser module; fall back to the usual places if it is not there.
      const mod = (await import('../browser/chromium-path.ts')) as { findChromium: (e: NodeJS.ProcessEnv) => ChromiumLookup };
      found = mod.findChromium(env);
    } catch {
      const candidates = [env.CHROME_PATH, '/usr/bin/chromium'].filter((p): p is string => Boolean(p));
      const path = candidates.find(isExecutableFile);
      found = path ? { path } : { missing: `Chromium not found (looked in ${candidates.join(', ')})` };
    }
  }
  if ('missing' in found)
    return { name: 'chromium', ok: false, detail: found.missing, fix: 'apt-get install -y chromium, or set CHROME_PATH (live runs need it; sim does not)' };
  const v = await run([found.path, '--version']);
  const line = v.stdout.trim().split('\n')[0];
  if (v.code !== 0 || !line)
    return { name: 'chromium', ok: false, detail: `${found.path} --version failed (${v.code}): ${v.stderr.split('\n')[0]}`, fix: 'reinstall Chromium or point CHROME_PATH at a working one' };
  return { name: 'chromium', ok: true, detail: `${line} (${found.path})` };
}

async function probeFfmpeg(opts: ProbeOptions, env: NodeJS.ProcessEnv): Promise<ProbeResult[]> {
  const found = (opts.resolveFfmpeg ?? ((e: NodeJS.ProcessEnv) => resolveFfmpeg({ env: e })))(env);
  if ('missing' in found) {
    return [
      { name: 'ffmpeg', ok: false, detail: `${found.missing}; media scoring needs it`, fix: found.fix },
      { name: 'libvmaf', ok: false, detail: 'not checked: needs ffmpeg', fix: 'an ffmpeg built with --enable-libvmaf (set FFMPEG_PATH to it)' },
    ];
  }
  const [version, hasVmaf] = await Promise.all([ffmpegVersion(found.path), ffmpegHasFilter(found.path, 'libvmaf')]);
  // Having the filter is not enough: score two frames with the model netqoe would use (issue 7).
  const works = version && hasVmaf ? await libvmafWorks(found.path, env) : null;
  return [
    version
      ? { name: 'ffmpeg', ok: true, detail: `${version} (${found.path}, from ${found.source})` }
      : { name: 'ffmpeg', ok: false, detail: `${found.path} (from ${found.source}) does not run`, fix: 'reinstall it or set FFMPEG_PATH to a working ffmpeg' },
    works?.ok
      ? { name: 'libvmaf', ok: true, detail: works.detail }
      : {
          name: 'libvmaf',
          ok: false,
          detail: works ? `libvmaf does not work: ${works.detail}` : version ? `${found.path} has no libvmaf filter (ffmpeg -filters)` : 'not checked: ffmpeg does not run',
          fix: works
            ? 'check NETQOE_VMAF_MODEL (a .pkl for libvmaf 1.x, .json for 2.x) or point FFMPEG_PATH at another ffmpeg (PSNR/SSIM work without VMAF)'
            : 'VMAF needs an ffmpeg built with --enable-libvmaf: set FFMPEG_PATH to one (PSNR/SSIM work without it)',
        },
  ];
}

async function probeIperf3(env: NodeJS.ProcessEnv, run: RunCommand): Promise<ProbeResult> {
  const path = findOnPath('iperf3', env);
  if (!path) return { name: 'iperf3', ok: false, detail: 'iperf3 not on PATH', fix: 'apt-get install -y iperf3 (only the accuracy benchmark uses it)' };
  const v = await run([path, '--version']);
  return v.code === 0
    ? { name: 'iperf3', ok: true, detail: `${v.stdout.trim().split('\n')[0]} (${path})` }
    : { name: 'iperf3', ok: false, detail: `${path} --version failed: ${v.stderr}`, fix: 'reinstall iperf3' };
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** @sitespeed.io/throttle's CLI: on PATH, or in this project's or the cwd's node_modules/.bin. */
export function findThrottleCli(env: NodeJS.ProcessEnv = process.env): string | null {
  const onPath = findOnPath('throttle', env);
  if (onPath) return onPath;
  for (const dir of [PROJECT_ROOT, process.cwd()]) {
    const p = join(dir, 'node_modules', '.bin', 'throttle');
    if (existsSync(p) && isExecutableFile(p)) return p;
  }
  return null;
}

function probeThrottle(env: NodeJS.ProcessEnv, netem: ProbeResult | undefined): ProbeResult {
  const path = findThrottleCli(env);
  const fix = 'npm i -g @sitespeed.io/throttle on your own machine (it shapes the default interface with sudo + tc netem)';
  if (!path) return { name: 'throttle', ok: false, detail: '@sitespeed.io/throttle not installed', fix };
  if (!netem?.ok) return { name: 'throttle', ok: false, detail: `found ${path}, but it needs netem: ${netem?.detail ?? 'not probed'}`, fix };
  return { name: 'throttle', ok: true, detail: `${path} (needs sudo; shapes the default interface, not a namespace)` };
}

/** Probes everything in parallel (under 1 s on an idle machine) and returns one result per check, in a stable order. */
export async function probeCapabilities(opts: ProbeOptions = {}): Promise<ProbeResult[]> {
  const env = opts.env ?? process.env;
  const run = opts.run ?? makeRunCommand({ timeoutMs: 2500 });
  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  const skip = new Set(opts.skip ?? []);
  const skipped = (name: string): ProbeResult => ({ name, ok: false, detail: 'not probed' });

  const [relay, kernel, chromium, media, iperf3] = await Promise.all([
    probeRelay(),
    skip.has('kernel') ? Promise.resolve(['netns', 'netem', 'tbf', 'htb', 'ifb'].map(skipped)) : probeKernel(run, isRoot),
    skip.has('chromium') ? Promise.resolve(skipped('chromium')) : probeChromium(opts, env, run),
    skip.has('ffmpeg') ? Promise.resolve([skipped('ffmpeg'), skipped('libvmaf')]) : probeFfmpeg(opts, env),
    skip.has('iperf3') ? Promise.resolve(skipped('iperf3')) : probeIperf3(env, run),
  ]);
  const throttle = probeThrottle(env, findProbe(kernel, 'netem'));
  return [probeNode(), relay, ...kernel, throttle, chromium, ...media, iperf3];
}
