// UDP traffic generator and receiver for bench/link-accuracy.bench.ts, in its own worker thread so that
// neither the bench's bookkeeping nor the relay's thread disturbs its send and arrival timestamps. Times are
// on the relay's clock (ms since the relay's t0, from the process-wide hrtime). Each datagram carries its
// sequence number; the sink records when each one arrived. The thread asks for the relay's own CPU priority:
// it is the measuring instrument, and a stamp taken late because the generator or the sink waited for a core
// would be counted as the relay's error (a real receiver's own wake-up delay is not the link's either).
import { createSocket, type Socket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';
import { clockSince } from '../harness/relay/clock.ts';
import { raiseThreadPriority } from '../harness/relay/thread-priority.ts';

export interface TrafficPlan {
  /** Relay's t0 (process.hrtime.bigint()). */
  t0Ns: bigint;
  sendTo: { host: string; port: number };
  /** Client sockets (flows); packet i goes out on flow i % flows. */
  flows: number;
  payloadBytes: number;
  /** Relay time of each send, non-decreasing. */
  sendAtMs: Float64Array;
  /** Keep receiving this long after the last send. */
  drainMs: number;
  /**
   * Spin (setImmediate) this long before a send instead of sleeping; 0 sleeps with setTimeout only, which
   * sends late and in small bursts but leaves the core to the relay. Send times are recorded either way.
   */
  spinMs: number;
}

export interface TrafficResult {
  /** Actual send time of packet i (relay clock). */
  sentMs: Float64Array;
  /** Arrival time of packet i at the sink, NaN if it never came. */
  recvMs: Float64Array;
  /** Arrivals whose source was not one of the relay's ports (must stay 0). */
  foreign: number;
  sendErrors: number;
}

const port = parentPort!;
const priority = await raiseThreadPriority('realtime');

const sink = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));
port.postMessage({ type: 'sink', port: sink.address().port, priority: priority.detail });

port.once('message', async (plan: TrafficPlan) => {
  const nowMs = clockSince(plan.t0Ns);
  const n = plan.sendAtMs.length;
  const sentMs = new Float64Array(n);
  const recvMs = new Float64Array(n).fill(NaN);
  let foreign = 0;
  let sendErrors = 0;
  const clientPorts = new Set<number>();

  sink.on('message', (msg, rinfo) => {
    const t = nowMs();
    if (clientPorts.has(rinfo.port)) foreign++; // came straight from a client socket: a bypass
    const seq = msg.readUInt32LE(0);
    if (seq < n && Number.isNaN(recvMs[seq])) recvMs[seq] = t;
  });

  const socks: Socket[] = [];
  for (let f = 0; f < plan.flows; f++) {
    const s = createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    clientPorts.add(s.address().port);
    socks.push(s);
  }
  const payload = Buffer.alloc(plan.payloadBytes);
  const onSent = (err: Error | null) => {
    if (err) sendErrors++;
  };

  let i = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      let now = nowMs();
      while (i < n && plan.sendAtMs[i] <= now) {
        // The buffer is copied into the kernel by the time send's callback runs; one per packet is simplest.
        const b = Buffer.from(payload);
        b.writeUInt32LE(i, 0);
        sentMs[i] = now;
        socks[i % socks.length].send(b, plan.sendTo.port, plan.sendTo.host, onSent);
        i++;
        now = nowMs();
      }
      if (i >= n) return done();
      const waitMs = plan.sendAtMs[i] - now;
      if (waitMs > plan.spinMs) setTimeout(tick, Math.max(0, Math.floor(waitMs - plan.spinMs)));
      else setImmediate(tick);
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, plan.drainMs));
  for (const s of socks) s.close();
  sink.close();
  const result: TrafficResult = { sentMs, recvMs, foreign, sendErrors };
  port.postMessage({ type: 'result', result }, [sentMs.buffer, recvMs.buffer]);
});
