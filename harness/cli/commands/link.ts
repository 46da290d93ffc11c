// `netqoe link <scenario> --listen PORT --forward HOST:PORT [--tcp] [--backend relay|netem] [--out DIR]`:
// the scenario's shaped link alone, so any program (iperf3, an app under test) can run behind it. Prints live
// counters once a second and writes the relay's timeline as JSON on exit (Ctrl-C, SIGTERM, scenario end).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chooseLinkBackend } from '../../netem/choose-backend.ts';
import { probeCapabilities, type ProbeResult } from '../../netem/probe.ts';
import { checkPort, parseHostPort, RelayAddressError } from '../../relay/bind-policy.ts';
import { startRelay, type Relay } from '../../relay/relay.ts';
import type { AddressChangeEvent, MappingInfo, RelayCounters, RelayDirection, RelayTimelineSample } from '../../relay/types.ts';
import { loadScenario } from '../../scenario/parse.ts';
import type { Scenario } from '../../scenario/types.ts';
import { EXIT_BAD_INPUT, EXIT_CRASHED, EXIT_OK, isUserInputError } from '../exit-codes.ts';

export const LINK_TIMELINE_FILE = 'link-timeline.json';
export const LINK_TIMELINE_SCHEMA = 'netqoe.link-timeline/1';

export interface LinkCommandOptions {
  backend?: 'relay' | 'netem' | string;
  /** Client-facing port on 127.0.0.1 (string as typed, or a number). */
  listen: string | number;
  /** HOST:PORT to forward to (loopback only). */
  forward: string;
  /** Also relay TCP on the same port number. */
  tcp?: boolean;
  /** Folder for link-timeline.json (not written without it). */
  out?: string;
  seed?: number;
  /** Injected in tests. */
  write?: (text: string) => void;
  writeErr?: (text: string) => void;
  isTty?: boolean;
  /** Aborting it stops the link like Ctrl-C. */
  signal?: AbortSignal;
  probe?: () => Promise<ProbeResult[]>;
}

/** What link-timeline.json holds. */
export interface LinkTimelineFile {
  schema: typeof LINK_TIMELINE_SCHEMA;
  scenario: { name: string; file: string; durationMs: number; seed: number };
  backend: 'relay';
  listen: { address: string; port: number; protocols: ('udp' | 'tcp')[] };
  forward: { host: string; port: number };
  startedAt: string;
  endedBy: 'end' | 'signal';
  durationMs: number;
  samples: RelayTimelineSample[];
  addressChanges: AddressChangeEvent[];
  counters: RelayCounters;
}

const mbps = (bps: number) => (bps / 1e6).toFixed(bps >= 10e6 ? 1 : 2);

/** One direction of one sample, as a line of the live display. */
export function formatSampleLine(s: RelayTimelineSample): string {
  const state = s.inOutage ? ' OUTAGE' : '';
  return (
    `${s.direction.padEnd(4)} ${mbps(s.deliveredBps).padStart(6)}/${mbps(s.capacityBps).padEnd(6)} Mbit/s` +
    `  in ${String(s.packetsIn).padStart(5)} pkt  drop q ${s.droppedQueue} l ${s.droppedLoss} o ${s.droppedOutage}${s.droppedSocket ? ` socket ${s.droppedSocket}` : ''}` +
    `  queue p50 ${s.queueDelayP50Ms.toFixed(1)} p99 ${s.queueDelayP99Ms.toFixed(1)} ms  late p99 ${s.schedErrorP99Ms.toFixed(2)} ms${state}`
  );
}

function formatSecond(samples: RelayTimelineSample[]): string[] {
  const t = samples[0]?.tMs ?? 0;
  const phase = samples[0]?.phase ?? '';
  return [`t=${(t / 1000).toFixed(0)}s  phase ${phase}`, ...samples.map((s) => `  ${formatSampleLine(s)}`)];
}

export function formatTotals(c: RelayCounters): string {
  const dir = (d: RelayDirection) => {
    const x = c[d];
    const dropped = x.dropped.queue.packets + x.dropped.loss.packets + x.dropped.outage.packets;
    return (
      `${d}: ${x.in.packets} packets in, ${x.delivered.packets} delivered, ${dropped} dropped ` +
      `(queue ${x.dropped.queue.packets}, loss ${x.dropped.loss.packets}, outage ${x.dropped.outage.packets}), ` +
      `queue delay p50 ${x.queueDelay.p50Ms.toFixed(1)} ms p99 ${x.queueDelay.p99Ms.toFixed(1)} ms, release error p99 ${x.schedulingError.p99Ms.toFixed(2)} ms`
    );
  };
  const socketDrops = c.down.socketDrops + c.up.socketDrops;
  const warning = socketDrops
    ? `warning: the kernel dropped ${socketDrops} datagrams on the relay's own sockets (up ${c.up.socketDrops}, down ${c.down.socketDrops}): the relay could not keep up; that loss is not the scenario's\n`
    : '';
  return `${dir('down')}\n${dir('up')}\n${warning}`;
}

function parseListenPort(listen: string | number): number {
  const n = typeof listen === 'number' ? listen : /^\d+$/.test(listen) ? Number(listen) : NaN;
  return checkPort(n, '--listen', false);
}

export async function linkCommand(scenarioFile: string, opts: LinkCommandOptions): Promise<number> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const writeErr = opts.writeErr ?? ((s: string) => process.stderr.write(s));
  const tty = opts.isTty ?? Boolean(process.stdout.isTTY);

  let scenario: Scenario;
  let listenPort: number;
  let forward: { host: string; port: number };
  try {
    const backend = opts.backend ?? 'relay';
    if (backend !== 'relay' && backend !== 'netem') throw new RelayAddressError(`--backend: expected relay or netem, got "${backend}"`);
    listenPort = parseListenPort(opts.listen);
    forward = parseHostPort(opts.forward, '--forward');
    scenario = loadScenario(scenarioFile);
    if (backend === 'netem') {
      // Throws (exit 2, with the probe's reason) where netem cannot run, which is the common case.
      chooseLinkBackend('netem', await (opts.probe ?? (() => probeCapabilities()))());
      throw new RelayAddressError(
        'netem backend: `netqoe link` forwards a loopback port, which netem cannot shape (its link lives between two network namespaces); ' +
          'use --backend relay here, or start programs inside the namespaces (startNetemLink, docs/link-backends.md); see netqoe doctor',
      );
    }
  } catch (err) {
    if (!isUserInputError(err)) throw err;
    writeErr(`netqoe link: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }

  let started: Relay | undefined;
  const mappings: MappingInfo[] = [];
  try {
    started = await startRelay({ scenario, seed: opts.seed });
    mappings.push(await started.addUdp({ listenPort, target: forward }));
    if (opts.tcp) mappings.push(await started.addTcp({ listenPort, target: forward }));
  } catch (err) {
    await started?.close().catch(() => {});
    const e = err as Error;
    const inUse = /EADDRINUSE/.test(e.message);
    writeErr(`netqoe link: ${inUse ? `port ${listenPort} on 127.0.0.1 is already in use` : e.message}\n`);
    return isUserInputError(err) || inUse || /EACCES/.test(e.message) ? EXIT_BAD_INPUT : EXIT_CRASHED;
  }

  const relay = started;
  const startedAt = new Date().toISOString();
  const protocols = mappings.map((m) => m.protocol);
  write(
    `netqoe link: "${scenario.name}" (${(scenario.durationMs / 1000).toFixed(0)} s, seed ${opts.seed ?? scenario.seed}) on the userspace relay (thread priority: ${(await relay.priority).detail})\n` +
      `  clients -> 127.0.0.1:${listenPort} (${protocols.join('+')}) -> ${forward.host}:${forward.port}; up = towards ${forward.host}:${forward.port}, down = back\n` +
      `  Ctrl-C to stop${opts.out ? `; the timeline goes to ${join(opts.out, LINK_TIMELINE_FILE)}` : ''}\n`,
  );

  let drawnLines = 0;
  relay.onSample((samples) => {
    const lines = formatSecond(samples);
    if (tty) {
      // Redraw the block in place: cursor up over the last block, clear each line.
      const up = drawnLines ? `\x1b[${drawnLines}A` : '';
      write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      drawnLines = lines.length;
    } else {
      write(`${lines[0]} | ${samples.map(formatSampleLine).join(' | ')}\n`);
    }
  });
  relay.onAddressChange((e) => {
    write(`handover at ${(e.handoverAtMs / 1000).toFixed(1)} s: the client's address changed; ${e.protocol} port ${e.oldPort} closed, clients must now use 127.0.0.1:${e.newPort}\n`);
    drawnLines = 0;
  });

  const endedBy = await new Promise<'end' | 'signal'>((resolveEnd) => {
    const timer = setTimeout(() => finish('end'), Math.max(0, scenario.durationMs - relay.nowMs()));
    const onSignal = () => finish('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    opts.signal?.addEventListener('abort', onSignal, { once: true });
    if (opts.signal?.aborted) onSignal();
    function finish(why: 'end' | 'signal') {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      opts.signal?.removeEventListener('abort', onSignal);
      resolveEnd(why);
    }
  });

  const durationMs = relay.nowMs();
  const counters = await relay.close();
  write(`\nstopped (${endedBy === 'end' ? 'scenario end' : 'signal'}) after ${(durationMs / 1000).toFixed(1)} s\n${formatTotals(counters)}`);
  if (opts.out) {
    const file: LinkTimelineFile = {
      schema: LINK_TIMELINE_SCHEMA,
      scenario: { name: scenario.name, file: scenario.file, durationMs: scenario.durationMs, seed: opts.seed ?? scenario.seed },
      backend: 'relay',
      listen: { address: relay.bindAddress, port: listenPort, protocols },
      forward,
      startedAt,
      endedBy,
      durationMs,
      samples: relay.timeline(),
      addressChanges: relay.addressChanges(),
      counters,
    };
    const dir = resolve(opts.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LINK_TIMELINE_FILE), `${JSON.stringify(file, null, 2)}\n`);
    write(`timeline: ${join(dir, LINK_TIMELINE_FILE)}\n`);
  }
  return EXIT_OK;
}
