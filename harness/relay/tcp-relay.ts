// TCP side of the relay: terminates each client connection and opens one to the target, then shapes both
// byte streams with the link model. The stream is cut into MSS-sized chunks, each offered to the model as a
// packet and written on at its delivery time, in order. How TCP's reactions are emulated (docs/relay.md):
// - loss: bytes are never lost, they are late. A chunk the model drops is offered again one base RTT later
//   (fast retransmit after duplicate ACKs), using capacity again; later chunks are held behind it (in-order
//   delivery), and each stream is paced to the Mathis goodput (harness/link/tcp.ts) of the current loss rate,
//   as the simulator does.
// - outage: a chunk dropped by an outage is retried after a retransmission timeout, max(200 ms, 2 RTT),
//   doubling up to 60 s, with nothing new sent meanwhile; stuck for tcpResetAfterMs, the connection is reset.
// - queue: chunks are offered only while the bottleneck holds under QUEUE_TARGET_MS of this stream's data
//   (a sender that does not overflow the buffer); a queue drop caused by other traffic is a loss.
// - handshake: a new connection's first bytes wait one base RTT (SYN, SYN-ACK), unless disabled.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { isIP } from 'node:net';
import { mathisGoodputBps } from '../link/tcp.ts';
import type { DirectionStats } from './direction-stats.ts';
import { headerBytes, type RelayLinkContext } from './link-context.ts';
import type { Timed } from './release-scheduler.ts';
import type { MappingInfo, RelayDirection, RelayTarget } from './types.ts';

const QUEUE_TARGET_MS = 1;
const HIGH_WATER_BYTES = 512 * 1024;
const LOW_WATER_BYTES = 128 * 1024;
const MIN_RTO_MS = 200;
const MAX_RTO_MS = 60_000;

export interface TcpShapingOptions {
  mssBytes: number;
  resetAfterMs: number;
  handshake: boolean;
}

interface Chunk {
  seq: number;
  buf: Buffer;
}

class ChunkRelease implements Timed {
  dueMs: number;
  seq = 0;
  readonly stream: StreamShaper;
  readonly chunk: Chunk;
  readonly bytes: number;

  constructor(dueMs: number, stream: StreamShaper, chunk: Chunk, bytes: number) {
    this.dueMs = dueMs;
    this.stream = stream;
    this.chunk = chunk;
    this.bytes = bytes;
  }

  fire(nowMs: number): void {
    this.stream.released(this, nowMs);
  }
}

class PumpWake implements Timed {
  dueMs: number;
  seq = 0;
  private readonly stream: StreamShaper;

  constructor(dueMs: number, stream: StreamShaper) {
    this.dueMs = dueMs;
    this.stream = stream;
  }

  fire(nowMs: number): void {
    this.stream.wake(this.dueMs, nowMs);
  }
}

/** One direction of one connection: bytes read from src go to dst through the link. */
class StreamShaper {
  private readonly conn: TcpConnection;
  private readonly ctx: RelayLinkContext;
  private readonly dir: RelayDirection;
  private readonly stats: DirectionStats;
  private readonly src: Socket;
  private readonly dst: Socket;
  private readonly opts: TcpShapingOptions;
  private readonly overheadBytes: number;

  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private retransmits: { chunk: Chunk; notBeforeMs: number }[] = [];
  private inRto = false;
  private rtoMs = 0;
  private stuckSinceMs = -1;
  private nextChunkSeq = 0;
  private nextReleaseSeq = 0;
  private ready = new Map<number, { buf: Buffer; bytes: number; lateMs: number }>();
  private nextOfferAtMs: number;
  private wakeAtMs = Infinity;
  private paused = false;
  private srcEnded = false;
  private finished = false;
  /**
   * Reset: nothing more is offered or written. 'link': by the emulated network (a long outage, an address
   * change), so chunks still in flight count as outage drops; 'peer': an endpoint went away, so the link
   * did deliver them, to nobody.
   */
  private dead: false | 'link' | 'peer' = false;

  constructor(conn: TcpConnection, ctx: RelayLinkContext, dir: RelayDirection, src: Socket, dst: Socket, opts: TcpShapingOptions, startAtMs: number) {
    this.conn = conn;
    this.ctx = ctx;
    this.dir = dir;
    this.stats = ctx.stats[dir];
    this.src = src;
    this.dst = dst;
    this.opts = opts;
    this.overheadBytes = headerBytes('tcp', isIP(ctx.bindAddress) === 6 ? 6 : 4);
    this.nextOfferAtMs = startAtMs;
  }

  push(buf: Buffer): void {
    if (this.dead || this.srcEnded) return;
    this.stats.tcpStreamBytesIn += buf.length;
    this.backlog.push(buf);
    this.backlogBytes += buf.length;
    if (!this.paused && this.backlogBytes > HIGH_WATER_BYTES) {
      this.paused = true;
      this.src.pause(); // back-pressure to the real sender through the kernel's window
    }
    this.pump(this.ctx.nowMs());
  }

  endOfInput(): void {
    if (this.srcEnded) return;
    this.srcEnded = true;
    this.pump(this.ctx.nowMs());
  }

  kill(why: 'link' | 'peer'): void {
    this.dead = why;
    this.backlog = [];
    this.backlogBytes = 0;
    this.retransmits = [];
    this.ready.clear();
  }

  wake(dueMs: number, nowMs: number): void {
    if (dueMs === this.wakeAtMs) this.wakeAtMs = Infinity;
    this.pump(nowMs);
  }

  private arm(atMs: number): void {
    if (atMs >= this.wakeAtMs) return;
    this.wakeAtMs = atMs;
    this.ctx.scheduler.at(new PumpWake(atMs, this));
  }

  private pump(nowMs: number): void {
    while (!this.dead) {
      if (nowMs < this.nextOfferAtMs) {
        this.arm(this.nextOfferAtMs);
        break;
      }
      const head = this.retransmits[0];
      let chunk: Chunk;
      if (head !== undefined && head.notBeforeMs <= nowMs) {
        this.retransmits.shift();
        chunk = head.chunk;
      } else if (this.inRto || this.backlogBytes === 0) {
        if (head !== undefined) this.arm(head.notBeforeMs);
        else this.maybeFinish();
        break;
      } else {
        chunk = this.takeNewChunk();
      }
      this.offer(chunk, nowMs);
    }
    if (this.paused && this.backlogBytes < LOW_WATER_BYTES && !this.dead) {
      this.paused = false;
      this.src.resume();
    }
  }

  private takeNewChunk(): Chunk {
    const want = Math.min(this.opts.mssBytes, this.backlogBytes);
    let buf: Buffer;
    const first = this.backlog[0];
    if (first.length >= want) {
      buf = first.subarray(0, want);
      if (first.length === want) this.backlog.shift();
      else this.backlog[0] = first.subarray(want);
    } else {
      const parts: Buffer[] = [];
      let got = 0;
      while (got < want) {
        const b = this.backlog[0];
        const take = Math.min(b.length, want - got);
        parts.push(b.subarray(0, take));
        got += take;
        if (take === b.length) this.backlog.shift();
        else this.backlog[0] = b.subarray(take);
      }
      buf = Buffer.concat(parts, want);
    }
    this.backlogBytes -= want;
    return { seq: this.nextChunkSeq++, buf };
  }

  private offer(chunk: Chunk, nowMs: number): void {
    const bytes = chunk.buf.length + this.overheadBytes;
    const res = this.ctx.offer(this.dir, bytes, nowMs);
    const rttMs = Math.max(1, this.ctx.model.baseRttMsAt(nowMs));
    if ('dropped' in res) {
      this.stats.tcpRetransmits[res.dropped]++;
      let notBeforeMs: number;
      if (res.dropped === 'outage') {
        if (this.stuckSinceMs < 0) this.stuckSinceMs = nowMs;
        if (nowMs - this.stuckSinceMs >= this.opts.resetAfterMs) {
          this.conn.reset('link');
          return;
        }
        this.rtoMs = this.rtoMs > 0 ? Math.min(2 * this.rtoMs, MAX_RTO_MS) : Math.max(MIN_RTO_MS, 2 * rttMs);
        this.inRto = true;
        notBeforeMs = nowMs + this.rtoMs;
      } else {
        notBeforeMs = nowMs + rttMs;
      }
      this.insertRetransmit(chunk, notBeforeMs);
      return;
    }
    this.inRto = false;
    this.rtoMs = 0;
    this.stuckSinceMs = -1;
    this.ctx.scheduler.at(new ChunkRelease(res.deliveredAtMs, this, chunk, bytes));
    const lossRate = this.ctx.model[this.dir].stateAt(nowMs).lossRate;
    const mathisGapMs = lossRate > 0 ? (chunk.buf.length * 8000) / mathisGoodputBps(this.opts.mssBytes, rttMs, lossRate) : 0;
    this.nextOfferAtMs = nowMs + Math.max(0, res.queueDelayMs - QUEUE_TARGET_MS, mathisGapMs);
  }

  private insertRetransmit(chunk: Chunk, notBeforeMs: number): void {
    const r = this.retransmits;
    let i = r.length;
    while (i > 0 && r[i - 1].chunk.seq > chunk.seq) i--;
    r.splice(i, 0, { chunk, notBeforeMs });
  }

  released(rel: ChunkRelease, nowMs: number): void {
    if (this.dead === 'link') {
      this.stats.dropped('outage', rel.bytes); // the emulated network reset the connection meanwhile
      return;
    }
    if (this.dead === 'peer') {
      this.stats.delivered(rel.bytes, nowMs - rel.dueMs);
      return;
    }
    this.ready.set(rel.chunk.seq, { buf: rel.chunk.buf, bytes: rel.bytes, lateMs: nowMs - rel.dueMs });
    // In order: a chunk that overtook a retransmitted one waits for it, as a TCP receiver's buffer does.
    let r = this.ready.get(this.nextReleaseSeq);
    while (r !== undefined) {
      this.ready.delete(this.nextReleaseSeq);
      this.nextReleaseSeq++;
      if (!this.dst.destroyed) this.dst.write(r.buf);
      this.stats.tcpStreamBytesOut += r.buf.length;
      this.stats.delivered(r.bytes, r.lateMs);
      r = this.ready.get(this.nextReleaseSeq);
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || this.dead || !this.srcEnded) return;
    if (this.backlogBytes > 0 || this.retransmits.length > 0 || this.nextReleaseSeq !== this.nextChunkSeq) return;
    this.finished = true;
    if (!this.dst.destroyed) this.dst.end(); // the FIN travels behind the last byte
  }
}

class TcpConnection {
  private readonly mapping: TcpMapping;
  private readonly client: Socket;
  private readonly server: Socket;
  private readonly up: StreamShaper;
  private readonly down: StreamShaper;
  private closedSockets = 0;
  private done = false;

  constructor(mapping: TcpMapping, ctx: RelayLinkContext, client: Socket, target: RelayTarget, opts: TcpShapingOptions) {
    this.mapping = mapping;
    this.client = client;
    this.server = connect({ host: target.host, port: target.port, localAddress: ctx.bindAddress, allowHalfOpen: true, noDelay: true });
    const now = ctx.nowMs();
    const startAtMs = opts.handshake ? now + ctx.model.baseRttMsAt(now) : now;
    this.up = new StreamShaper(this, ctx, 'up', client, this.server, opts, startAtMs);
    this.down = new StreamShaper(this, ctx, 'down', this.server, client, opts, startAtMs);
    client.setNoDelay(true);
    for (const [sock, stream] of [
      [client, this.up],
      [this.server, this.down],
    ] as const) {
      sock.on('data', (buf: Buffer) => stream.push(buf));
      sock.on('end', () => stream.endOfInput());
      sock.on('error', () => this.reset('peer'));
      sock.on('close', () => {
        stream.endOfInput();
        if (++this.closedSockets === 2) this.forget();
      });
    }
  }

  /** RST both sides: 'peer' for an error on either socket, 'link' for a long outage or an address change. */
  reset(why: 'link' | 'peer'): void {
    if (this.done) return;
    this.up.kill(why);
    this.down.kill(why);
    if (why === 'link') this.mapping.resets++;
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
    this.forget();
  }

  close(): void {
    this.up.kill('peer');
    this.down.kill('peer');
    this.client.destroy();
    this.server.destroy();
    this.forget();
  }

  private forget(): void {
    this.done = true;
    this.mapping.connections.delete(this);
  }
}

export class TcpMapping {
  readonly id: number;
  readonly target: RelayTarget;
  readonly connections = new Set<TcpConnection>();
  resets = 0;
  private readonly ctx: RelayLinkContext;
  private readonly server: Server;
  private readonly portNumber: number;

  private constructor(ctx: RelayLinkContext, id: number, server: Server, target: RelayTarget) {
    this.ctx = ctx;
    this.id = id;
    this.server = server;
    this.target = target;
    const addr = server.address();
    this.portNumber = typeof addr === 'object' && addr !== null ? addr.port : 0;
  }

  static async open(ctx: RelayLinkContext, id: number, listenPort: number, target: RelayTarget, opts: TcpShapingOptions): Promise<TcpMapping> {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ctx.bindAddress, port: listenPort, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const mapping = new TcpMapping(ctx, id, server, target);
    server.on('connection', (sock) => mapping.connections.add(new TcpConnection(mapping, ctx, sock, target, opts)));
    server.on('error', () => {
      // accept errors (EMFILE...) leave the listener running
    });
    return mapping;
  }

  get port(): number {
    return this.portNumber;
  }

  info(): MappingInfo {
    return { id: this.id, protocol: 'tcp', address: this.ctx.bindAddress, port: this.portNumber, target: this.target };
  }

  /** The client's address changed: its connections die (a phone's TCP connections do not survive it). */
  resetAll(): void {
    for (const c of [...this.connections]) c.reset('link');
  }

  close(): void {
    this.server.close();
    for (const c of [...this.connections]) c.close();
  }
}
