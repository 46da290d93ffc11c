// UDP side of the relay: a NAT with one client-facing socket per mapping and, per client 5-tuple, its own
// upstream socket towards the target (so many flows run at once and the target sees one source per flow).
// client -> target is `up`, target -> client is `down`; each datagram is offered to the link model on
// arrival and sent on at the model's delivery time. Nothing is forwarded any other way.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { DirectionStats } from './direction-stats.ts';
import { headerBytes, type RelayLinkContext } from './link-context.ts';
import type { Timed } from './release-scheduler.ts';
import type { SocketPort } from './socket-drops.ts';
import type { MappingInfo, RelayTarget } from './types.ts';

const CLIENT_BUFFER_BYTES = 4 << 20; // bursts at 200+ Mbit/s must not overflow the kernel's queue
const FLOW_BUFFER_BYTES = 1 << 20;

/** A socket and whether it still exists (releases to a closed one become outage drops). */
interface Port {
  sock: Socket;
  open: boolean;
}

interface UdpFlow {
  clientAddress: string;
  clientPort: number;
  client: Port;
  upstream: Port;
  lastActiveMs: number;
}

class UdpRelease implements Timed {
  dueMs: number;
  seq = 0;
  private readonly buf: Buffer;
  private readonly port: Port;
  private readonly toPort: number;
  private readonly toAddress: string;
  private readonly bytes: number;
  private readonly stats: DirectionStats;

  constructor(dueMs: number, buf: Buffer, port: Port, toPort: number, toAddress: string, bytes: number, stats: DirectionStats) {
    this.dueMs = dueMs;
    this.buf = buf;
    this.port = port;
    this.toPort = toPort;
    this.toAddress = toAddress;
    this.bytes = bytes;
    this.stats = stats;
  }

  fire(nowMs: number): void {
    if (!this.port.open) {
      this.stats.dropped('outage', this.bytes); // its port went away in a handover
      return;
    }
    this.port.sock.send(this.buf, this.toPort, this.toAddress, this.onSent);
    this.stats.delivered(this.bytes, nowMs - this.dueMs);
  }

  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.sendErrors++;
  };
}

function openPort(address: string, port: number, bufferBytes: number): Promise<Port> {
  const type = isIP(address) === 6 ? 'udp6' : 'udp4';
  const sock = createSocket({ type, recvBufferSize: bufferBytes, sendBufferSize: bufferBytes });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address, port, exclusive: true }, () => {
      sock.off('error', reject);
      resolve({ sock, open: true });
    });
  });
}

function closePort(p: Port): void {
  if (!p.open) return;
  p.open = false;
  try {
    p.sock.close();
  } catch {
    // already closed by an error
  }
}

export class UdpMapping {
  readonly id: number;
  readonly target: RelayTarget;
  private readonly ctx: RelayLinkContext;
  private readonly overheadBytes: number;
  private client: Port;
  private currentPort: number;
  private flows = new Map<string, UdpFlow>();
  private closed = false;

  private constructor(ctx: RelayLinkContext, id: number, client: Port, target: RelayTarget) {
    this.ctx = ctx;
    this.id = id;
    this.client = client;
    this.currentPort = client.sock.address().port;
    this.target = target;
    this.overheadBytes = headerBytes('udp', isIP(ctx.bindAddress) === 6 ? 6 : 4);
    this.listen(client);
  }

  static async open(ctx: RelayLinkContext, id: number, listenPort: number, target: RelayTarget): Promise<UdpMapping> {
    const client = await openPort(ctx.bindAddress, listenPort, CLIENT_BUFFER_BYTES);
    return new UdpMapping(ctx, id, client, target);
  }

  get port(): number {
    return this.currentPort;
  }

  get flowCount(): number {
    return this.flows.size;
  }

  /** The sockets that receive for this mapping now: the client-facing one (up) and each flow's upstream one (down). */
  socketPorts(): SocketPort[] {
    const out: SocketPort[] = [];
    if (this.client.open) out.push({ port: this.currentPort, direction: 'up' });
    for (const flow of this.flows.values()) {
      if (!flow.upstream.open) continue;
      try {
        out.push({ port: flow.upstream.sock.address().port, direction: 'down' });
      } catch {
        // not bound yet: nothing received, nothing dropped
      }
    }
    return out;
  }

  info(): MappingInfo {
    return { id: this.id, protocol: 'udp', address: this.ctx.bindAddress, port: this.port, target: this.target };
  }

  private listen(client: Port): void {
    client.sock.on('error', () => {
      // ICMP errors from clients that went away: the socket stays usable.
    });
    client.sock.on('message', (msg, rinfo) => this.fromClient(client, msg, rinfo));
  }

  private fromClient(client: Port, msg: Buffer, rinfo: RemoteInfo): void {
    if (!client.open) return;
    const now = this.ctx.nowMs();
    const key = `${rinfo.address}|${rinfo.port}`;
    let flow = this.flows.get(key);
    if (flow === undefined) flow = this.newFlow(key, client, rinfo);
    flow.lastActiveMs = now;
    const bytes = msg.length + this.overheadBytes;
    const res = this.ctx.offer('up', bytes, now);
    if ('dropped' in res) return;
    this.ctx.scheduler.at(new UdpRelease(res.deliveredAtMs, msg, flow.upstream, this.target.port, this.target.host, bytes, this.ctx.stats.up));
  }

  private newFlow(key: string, client: Port, rinfo: RemoteInfo): UdpFlow {
    const type = isIP(this.ctx.bindAddress) === 6 ? 'udp6' : 'udp4';
    const sock = createSocket({ type, recvBufferSize: FLOW_BUFFER_BYTES, sendBufferSize: FLOW_BUFFER_BYTES });
    const upstream: Port = { sock, open: true };
    // Bound before anything is sent (sends wait for the bind), so it never auto-binds to 0.0.0.0.
    sock.bind({ address: this.ctx.bindAddress, port: 0, exclusive: true });
    const flow: UdpFlow = { clientAddress: rinfo.address, clientPort: rinfo.port, client, upstream, lastActiveMs: 0 };
    sock.on('error', () => {
      // ECONNREFUSED while the target is not up yet: keep the flow, the next datagram may get through.
    });
    sock.on('message', (msg, from) => {
      if (!upstream.open || from.port !== this.target.port || from.address !== this.target.host) return;
      const now = this.ctx.nowMs();
      flow.lastActiveMs = now;
      const bytes = msg.length + this.overheadBytes;
      const res = this.ctx.offer('down', bytes, now);
      if ('dropped' in res) return;
      this.ctx.scheduler.at(new UdpRelease(res.deliveredAtMs, msg, flow.client, flow.clientPort, flow.clientAddress, bytes, this.ctx.stats.down));
    });
    this.flows.set(key, flow);
    return flow;
  }

  /** Forget flows idle for idleMs (their upstream ports close, like an expired NAT binding). */
  sweepIdle(nowMs: number, idleMs: number): void {
    for (const [key, flow] of this.flows) {
      if (nowMs - flow.lastActiveMs > idleMs) {
        closePort(flow.upstream);
        this.flows.delete(key);
      }
    }
  }

  /**
   * The client moved: a new client-facing port takes over and the old one closes, with every flow's
   * upstream port (so the target sees a new 5-tuple as well). Packets still in flight to old ports drop.
   */
  async changeAddress(): Promise<{ oldPort: number; newPort: number } | null> {
    if (this.closed) return null;
    const oldPort = this.port;
    const next = await openPort(this.ctx.bindAddress, 0, CLIENT_BUFFER_BYTES);
    if (this.closed) {
      closePort(next);
      return null;
    }
    const old = this.client;
    this.client = next;
    this.currentPort = next.sock.address().port;
    this.listen(next);
    closePort(old);
    for (const flow of this.flows.values()) closePort(flow.upstream);
    this.flows.clear();
    return { oldPort, newPort: this.port };
  }

  close(): void {
    this.closed = true;
    closePort(this.client);
    for (const flow of this.flows.values()) closePort(flow.upstream);
    this.flows.clear();
  }
}
