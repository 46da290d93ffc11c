// Public types of the userspace relay (docs/relay.md): options, counters, timeline samples, events.
import type { DropCause } from '../link/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ThreadPriority, ThreadPriorityResult } from './thread-priority.ts';

export type RelayDirection = 'down' | 'up';

export interface RelayOptions {
  scenario: Scenario;
  /** Seed of the link model (default: scenario.seed). */
  seed?: number;
  /** Address every relay socket binds to: loopback (default 127.0.0.1) or one of allowedAddresses. */
  bindAddress?: string;
  /** Addresses in network namespaces the harness created; everything else but loopback is refused. */
  allowedAddresses?: string[];
  /** Scheduler: stop sleeping on timers this long before a release (default 1.5 ms). */
  spinMs?: number;
  /**
   * Scheduler: busy-wait this last stretch before each release, nap before it (default 0.15 ms). Raising it
   * to spinMs trades a CPU core while packets flow for fewer late releases on a noisy machine, at normal
   * priority only: a SCHED_FIFO thread that busy-waits keeps lower-priority threads (the receiver) off its core.
   */
  busyWaitMs?: number;
  /** TCP segment payload offered to the link per packet (default 1460, a 1500-byte MTU without options). */
  tcpMssBytes?: number;
  /** A TCP connection whose oldest unsent bytes have waited this long in an outage is reset (default 30 s). */
  tcpResetAfterMs?: number;
  /** A UDP flow with no packet either way for this long is forgotten, like a NAT binding (default 120 s). */
  udpFlowIdleMs?: number;
  /** Emulate the TCP handshake: a new connection's first bytes wait one base RTT (default true). */
  tcpHandshake?: boolean;
  /**
   * CPU priority of the relay's thread (default 'realtime': SCHED_FIFO where allowed, else nice -10, else
   * normal; thread-priority.ts). What it got is `Relay.priority`.
   */
  priority?: ThreadPriority;
}

export interface RelayTarget {
  host: string;
  port: number;
}

export interface MappingOptions {
  /** Client-facing port (0: ephemeral). */
  listenPort?: number;
  /** Where the relay forwards to (loopback or an allowed address). */
  target: RelayTarget;
}

export interface MappingInfo {
  id: number;
  protocol: 'udp' | 'tcp';
  /** Address and port clients send to (UDP: changes on a handover with addressChange). */
  address: string;
  port: number;
  target: RelayTarget;
}

export interface AddressChangeEvent {
  mappingId: number;
  protocol: 'udp' | 'tcp';
  address: string;
  oldPort: number;
  newPort: number;
  /** Relay time (ms since start) when the new port took over: the end of the handover's outage. */
  atMs: number;
  /** When the handover (and its outage) began. */
  handoverAtMs: number;
}

export interface PacketsBytes {
  packets: number;
  bytes: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * One direction's totals. Packets are what was offered to the link model (a TCP retransmission is a new
 * packet); bytes are IP-level (payload + 28 for UDP/IPv4, 48 UDP/IPv6, 40 TCP/IPv4, 60 TCP/IPv6), as the
 * link model counts them. Always: in = delivered + dropped(queue + loss + outage) + inFlight.
 */
export interface RelayDirectionCounters {
  in: PacketsBytes;
  delivered: PacketsBytes;
  dropped: Record<DropCause, PacketsBytes>;
  inFlight: PacketsBytes;
  /** Time waiting for the bottleneck (the model's queueDelayMs) of accepted packets. */
  queueDelay: LatencySummary;
  /** Actual release time minus the model's deliveredAtMs. */
  schedulingError: LatencySummary;
  /** Releases the OS refused after the relay sent them (counted as delivered; should stay 0). */
  sendErrors: number;
  /**
   * Datagrams of this direction the kernel dropped on the relay's own receiving sockets (a full receive buffer:
   * the relay's thread did not read in time). Never offered to the model, so not in `in`; loss the scenario did
   * not ask for, 0 when healthy. From /proc/net/udp (Linux; 0 elsewhere), read once a second and at close.
   */
  socketDrops: number;
  /** TCP byte streams: payload bytes read from the sender and written to the receiver. */
  tcpStreamBytesIn: number;
  tcpStreamBytesOut: number;
  /** TCP chunks offered again after the link dropped them, by the drop's cause. */
  tcpRetransmits: Record<DropCause, number>;
}

export interface RelayCounters {
  tMs: number;
  down: RelayDirectionCounters;
  up: RelayDirectionCounters;
  udpFlows: number;
  tcpConnections: number;
  tcpResets: number;
  addressChanges: number;
  /** CPU time the relay's thread has used since it started (user + system), and its wall time. */
  threadCpuMs: number;
  threadWallMs: number;
}

/**
 * One direction over one 1 s window of relay time [tMs - windowMs, tMs). Meant for results.json: add
 * `| RelayTimelineSample` to TimelineEvent in harness/run/types.ts (its `kind` is 'relay').
 */
export interface RelayTimelineSample {
  kind: 'relay';
  /** End of the window, ms since the relay started (= the scenario's time). */
  tMs: number;
  windowMs: number;
  direction: RelayDirection;
  /** Phase in force at the window's end, and whether the link was dark then. */
  phase: string;
  inOutage: boolean;
  /** Mean capacity the model offered over the window (its capacity integral / windowMs). */
  capacityBps: number;
  /** IP-level rates over the window. */
  inBps: number;
  deliveredBps: number;
  packetsIn: number;
  packetsDelivered: number;
  droppedQueue: number;
  droppedLoss: number;
  droppedOutage: number;
  /** Datagrams the kernel dropped on the relay's sockets in the window (socketDrops); absent in older results. */
  droppedSocket?: number;
  /** Queueing delay of packets accepted in the window (0 when none). */
  queueDelayP50Ms: number;
  queueDelayP95Ms: number;
  queueDelayP99Ms: number;
  /** Scheduling error of releases in the window. */
  schedErrorP50Ms: number;
  schedErrorP99Ms: number;
}

/** Messages main -> worker. */
export type RelayRequest =
  | { op: 'addUdp'; id: number; listenPort: number; target: RelayTarget }
  | { op: 'addTcp'; id: number; listenPort: number; target: RelayTarget }
  | { op: 'counters'; id: number }
  | { op: 'close'; id: number };

/** Messages worker -> main. */
export type RelayMessage =
  | { type: 'ready' }
  | { type: 'priority'; priority: ThreadPriorityResult }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string; exitCode?: number }
  | { type: 'samples'; samples: RelayTimelineSample[] }
  | { type: 'addressChange'; event: AddressChangeEvent };

/** What the worker gets at start (structured-cloned). */
export interface RelayWorkerConfig {
  scenario: Scenario;
  seed: number;
  bindAddress: string;
  allowedAddresses: string[];
  spinMs: number;
  busyWaitMs: number;
  tcpMssBytes: number;
  tcpResetAfterMs: number;
  udpFlowIdleMs: number;
  tcpHandshake: boolean;
  priority: ThreadPriority;
  /** process.hrtime.bigint() at the relay's time 0 (the same clock in every thread of the process). */
  t0Ns: bigint;
}
