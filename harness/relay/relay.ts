// Main-thread handle of the userspace relay: starts the worker (relay-worker.ts), adds UDP/TCP mappings,
// relays events (address changes, 1 s timeline samples) and collects counters (docs/relay.md).
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/types.ts';
import { checkRelayAddress, RelayAddressError } from './bind-policy.ts';
import { clockSince } from './clock.ts';
import { DEFAULT_BUSY_WAIT_MS, DEFAULT_SPIN_MS } from './release-scheduler.ts';
import type { ThreadPriorityResult } from './thread-priority.ts';
import type {
  AddressChangeEvent,
  MappingInfo,
  MappingOptions,
  RelayCounters,
  RelayMessage,
  RelayOptions,
  RelayRequest,
  RelayTimelineSample,
  RelayWorkerConfig,
} from './types.ts';

type Listener<T> = (value: T) => void;

export interface Relay {
  readonly scenario: Scenario;
  /** The address every relay socket is bound to. */
  readonly bindAddress: string;
  /** process.hrtime.bigint() at the relay's time 0 (the link model's t = 0). */
  readonly t0Ns: bigint;
  /** The CPU priority its thread got (asked for with RelayOptions.priority; settled shortly after start). */
  readonly priority: Promise<ThreadPriorityResult>;
  /** Relay time now: ms since t0, the clock the link model runs on. */
  nowMs(): number;
  addUdp(opts: MappingOptions): Promise<MappingInfo>;
  addTcp(opts: MappingOptions): Promise<MappingInfo>;
  /** Called when a handover with addressChange moved a UDP mapping to a new port. Returns an unsubscribe. */
  onAddressChange(cb: Listener<AddressChangeEvent>): () => void;
  /** Called once a second with one sample per direction. Returns an unsubscribe. */
  onSample(cb: Listener<RelayTimelineSample[]>): () => void;
  /** Counters so far (asks the worker). */
  counters(): Promise<RelayCounters>;
  /** Every sample so far, oldest first. */
  timeline(): RelayTimelineSample[];
  /** Address changes so far. */
  addressChanges(): AddressChangeEvent[];
  /** Stops forwarding, closes every socket and the worker; resolves to the final counters. */
  close(): Promise<RelayCounters>;
  /** Ends the worker at once (no final counters): what a crash of the relay looks like to the peers. */
  kill(): Promise<void>;
  /** Resolves when the worker has exited, for whatever reason. */
  readonly exited: Promise<void>;
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const allowed = opts.allowedAddresses ?? [];
  const bindAddress = checkRelayAddress(opts.bindAddress ?? '127.0.0.1', 'bind address', allowed);
  const t0Ns = process.hrtime.bigint();
  const config: RelayWorkerConfig = {
    scenario: opts.scenario,
    seed: opts.seed ?? opts.scenario.seed,
    bindAddress,
    allowedAddresses: allowed,
    spinMs: opts.spinMs ?? DEFAULT_SPIN_MS,
    busyWaitMs: opts.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS,
    tcpMssBytes: opts.tcpMssBytes ?? 1460,
    tcpResetAfterMs: opts.tcpResetAfterMs ?? 30_000,
    udpFlowIdleMs: opts.udpFlowIdleMs ?? 120_000,
    tcpHandshake: opts.tcpHandshake ?? true,
    priority: opts.priority ?? 'realtime',
    t0Ns,
  };
  const worker = new Worker(new URL('./relay-worker.ts', import.meta.url), { workerData: config });

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const sampleListeners = new Set<Listener<RelayTimelineSample[]>>();
  const changeListeners = new Set<Listener<AddressChangeEvent>>();
  const timeline: RelayTimelineSample[] = [];
  const changes: AddressChangeEvent[] = [];
  let nextId = 1;
  let exitedFlag = false;
  let failure: Error | null = null;

  let priorityResolve!: (p: ThreadPriorityResult) => void;
  const priority = new Promise<ThreadPriorityResult>((res) => {
    priorityResolve = res;
  });
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });

  const exited = new Promise<void>((resolve) => {
    worker.on('exit', (code) => {
      exitedFlag = true;
      const err = failure ?? new Error(`relay worker exited (code ${code})`);
      readyReject(err);
      priorityResolve({ requested: config.priority, applied: 'normal', detail: 'the relay ended before its priority was set' });
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      resolve();
    });
  });
  worker.on('error', (err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  worker.on('message', (m: RelayMessage) => {
    switch (m.type) {
      case 'ready':
        readyResolve();
        break;
      case 'priority':
        priorityResolve(m.priority);
        break;
      case 'reply': {
        const p = pending.get(m.id);
        if (!p) break;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(m.exitCode === 2 ? new RelayAddressError(m.error) : new Error(m.error));
        break;
      }
      case 'samples':
        timeline.push(...m.samples);
        for (const cb of sampleListeners) cb(m.samples);
        break;
      case 'addressChange':
        changes.push(m.event);
        for (const cb of changeListeners) cb(m.event);
        break;
    }
  });

  type Req = RelayRequest extends infer R ? (R extends RelayRequest ? Omit<R, 'id'> : never) : never;
  const request = <T>(req: Req): Promise<T> => {
    if (exitedFlag) return Promise.reject(failure ?? new Error('relay is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id } as RelayRequest);
    });
  };

  await ready;

  const relay: Relay = {
    scenario: opts.scenario,
    bindAddress,
    t0Ns,
    priority,
    nowMs: clockSince(t0Ns),
    addUdp: (o) => request<MappingInfo>({ op: 'addUdp', listenPort: o.listenPort ?? 0, target: o.target }),
    addTcp: (o) => request<MappingInfo>({ op: 'addTcp', listenPort: o.listenPort ?? 0, target: o.target }),
    onAddressChange(cb) {
      changeListeners.add(cb);
      return () => changeListeners.delete(cb);
    },
    onSample(cb) {
      sampleListeners.add(cb);
      return () => sampleListeners.delete(cb);
    },
    counters: () => request<RelayCounters>({ op: 'counters' }),
    timeline: () => timeline.slice(),
    addressChanges: () => changes.slice(),
    async close() {
      const final = await request<RelayCounters>({ op: 'close' });
      await exited;
      return final;
    },
    async kill() {
      await worker.terminate();
      await exited;
    },
    exited,
  };
  return relay;
}
