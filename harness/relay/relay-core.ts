// The relay itself, as it runs inside its worker thread: one link model (both directions) on the wall clock,
// one release scheduler, the UDP and TCP mappings, handovers, and a 1 s sampler for the timeline.
import { buildLinkModel } from '../link/link-model.ts';
import type { LinkModel } from '../link/types.ts';
import { checkPort, checkRelayAddress } from './bind-policy.ts';
import { clockSince } from './clock.ts';
import { DirectionStats } from './direction-stats.ts';
import { createOffer, type RelayLinkContext } from './link-context.ts';
import { ReleaseScheduler, type Timed } from './release-scheduler.ts';
import { TcpMapping } from './tcp-relay.ts';
import type { AddressChangeEvent, MappingInfo, RelayCounters, RelayTarget, RelayTimelineSample, RelayWorkerConfig } from './types.ts';
import { UdpMapping } from './udp-nat.ts';
import { SocketDropMeter } from './socket-drops.ts';
import { readUdpDrops } from '../net/udp-drops.ts';
import { isIP } from 'node:net';

export const SAMPLE_WINDOW_MS = 1000;
/** At close, a partial window shorter than this is not sampled (its packets are in the totals). */
const MIN_LAST_WINDOW_MS = 100;

/** This thread's CPU time (process.threadCpuUsage, Node >= 23.9; the process's on older Nodes). */
function threadCpuMs(): number {
  const p = process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage };
  const u = p.threadCpuUsage ? p.threadCpuUsage() : process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface RelayCoreEvents {
  samples(samples: RelayTimelineSample[]): void;
  addressChange(event: AddressChangeEvent): void;
}

/** A task on the release scheduler (sampling, handovers): ms precision would do, one clock is simpler. */
class Task implements Timed {
  dueMs: number;
  seq = 0;
  private readonly run: (nowMs: number) => void;

  constructor(dueMs: number, run: (nowMs: number) => void) {
    this.dueMs = dueMs;
    this.run = run;
  }

  fire(nowMs: number): void {
    this.run(nowMs);
  }
}

export class RelayCore {
  private readonly config: RelayWorkerConfig;
  private readonly events: RelayCoreEvents;
  private readonly model: LinkModel;
  private readonly scheduler: ReleaseScheduler;
  private readonly ctx: RelayLinkContext;
  private readonly udp: UdpMapping[] = [];
  private readonly tcp: TcpMapping[] = [];
  private nextMappingId = 1;
  private addressChanges = 0;
  private lastWindowEndMs = 0;
  private closed = false;
  private readonly startCpuMs = threadCpuMs();
  private readonly startWallMs = performance.now();
  private readonly socketDrops: SocketDropMeter;

  constructor(config: RelayWorkerConfig, events: RelayCoreEvents) {
    this.config = config;
    this.events = events;
    const nowMs = clockSince(config.t0Ns);
    this.model = buildLinkModel(config.scenario, { seed: config.seed });
    this.scheduler = new ReleaseScheduler({ nowMs, spinMs: config.spinMs, busyWaitMs: config.busyWaitMs });
    const stats = { down: new DirectionStats('down'), up: new DirectionStats('up') };
    this.ctx = {
      nowMs,
      model: this.model,
      scheduler: this.scheduler,
      stats,
      bindAddress: config.bindAddress,
      offer: createOffer(this.model, stats),
    };
    const family = isIP(config.bindAddress) === 6 ? 6 : 4;
    this.socketDrops = new SocketDropMeter(() => readUdpDrops(family), stats);
    this.scheduler.at(new Task(SAMPLE_WINDOW_MS, this.sample));
    for (const h of this.model.handovers) {
      if (!h.addressChange) continue;
      this.scheduler.at(
        new Task(h.atMs + h.outageMs, () => {
          this.changeAddress(h.atMs).catch((err: Error) => process.emitWarning(`relay: address change at ${h.atMs} ms failed: ${err.message}`));
        }),
      );
    }
  }

  nowMs(): number {
    return this.ctx.nowMs();
  }

  private checkTarget(target: RelayTarget): RelayTarget {
    return { host: checkRelayAddress(target.host, 'target', this.config.allowedAddresses), port: checkPort(target.port, 'target port', false) };
  }

  async addUdp(listenPort: number, target: RelayTarget): Promise<MappingInfo> {
    const t = this.checkTarget(target);
    const m = await UdpMapping.open(this.ctx, this.nextMappingId++, checkPort(listenPort, 'listen port', true), t);
    this.udp.push(m);
    return m.info();
  }

  async addTcp(listenPort: number, target: RelayTarget): Promise<MappingInfo> {
    const t = this.checkTarget(target);
    const m = await TcpMapping.open(this.ctx, this.nextMappingId++, checkPort(listenPort, 'listen port', true), t, {
      mssBytes: this.config.tcpMssBytes,
      resetAfterMs: this.config.tcpResetAfterMs,
      handshake: this.config.tcpHandshake,
    });
    this.tcp.push(m);
    return m.info();
  }

  /** The kernel's drops on the UDP sockets open now, since the last poll (a sync read of /proc/net/udp, well under 1 ms). */
  private pollSocketDrops(): void {
    this.socketDrops.poll(this.udp.flatMap((m) => m.socketPorts()));
  }

  counters(): RelayCounters {
    if (!this.closed) this.pollSocketDrops();
    let udpFlows = 0;
    for (const m of this.udp) udpFlows += m.flowCount;
    let tcpConnections = 0;
    let tcpResets = 0;
    for (const m of this.tcp) {
      tcpConnections += m.connections.size;
      tcpResets += m.resets;
    }
    return {
      tMs: this.nowMs(),
      down: this.ctx.stats.down.counters(),
      up: this.ctx.stats.up.counters(),
      udpFlows,
      tcpConnections,
      tcpResets,
      addressChanges: this.addressChanges,
      threadCpuMs: threadCpuMs() - this.startCpuMs,
      threadWallMs: performance.now() - this.startWallMs,
    };
  }

  private readonly sample = (nowMs: number): void => {
    // Windows end on whole seconds of relay time, however late this task fires.
    const endMs = Math.floor(nowMs / SAMPLE_WINDOW_MS) * SAMPLE_WINDOW_MS;
    // Before the window closes and before idle flows' sockets go (their drops would be lost).
    this.pollSocketDrops();
    this.closeWindow(endMs);
    for (const m of this.udp) m.sweepIdle(nowMs, this.config.udpFlowIdleMs);
    if (!this.closed) this.scheduler.at(new Task(endMs + SAMPLE_WINDOW_MS, this.sample));
  };

  /** Emits one sample per direction for [lastWindowEndMs, endMs); a last window under minMs is left out. */
  private closeWindow(endMs: number, minMs = 0): void {
    const startMs = this.lastWindowEndMs;
    const windowMs = endMs - startMs;
    if (!(windowMs > minMs)) return;
    const samples: RelayTimelineSample[] = [];
    for (const dir of ['down', 'up'] as const) {
      const link = this.model[dir];
      const state = link.stateAt(Math.max(0, endMs - 1e-6));
      samples.push(
        this.ctx.stats[dir].closeWindow(endMs, windowMs, {
          phase: state.phase,
          inOutage: state.inOutage,
          deliverableBytes: link.deliverableBytes(startMs, endMs),
        }),
      );
    }
    this.lastWindowEndMs = endMs;
    this.events.samples(samples);
  }

  private async changeAddress(handoverAtMs: number): Promise<void> {
    this.addressChanges++;
    this.pollSocketDrops(); // the old ports close below
    for (const m of this.tcp) m.resetAll();
    for (const m of this.udp) {
      const change = await m.changeAddress();
      if (change === null) continue;
      this.events.addressChange({
        mappingId: m.id,
        protocol: 'udp',
        address: this.config.bindAddress,
        oldPort: change.oldPort,
        newPort: change.newPort,
        atMs: this.nowMs(),
        handoverAtMs,
      });
    }
  }

  /** Stop forwarding now: pending packets stay counted as in flight; the last, partial window is sampled. */
  close(): RelayCounters {
    this.pollSocketDrops();
    this.closed = true;
    this.closeWindow(this.nowMs(), MIN_LAST_WINDOW_MS);
    this.scheduler.stop();
    for (const m of this.udp) m.close();
    for (const m of this.tcp) m.close();
    return this.counters();
  }
}
