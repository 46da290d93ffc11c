// Real loopback sockets for the relay's integration tests: a UDP echo server that records who sent what,
// UDP clients, and a TCP server that answers "GET <bytes>\n" with that many deterministic bytes.
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { simpleScenario } from './link-scenario.ts';
import type { DirectionSpec, Scenario, ScenarioEvent } from '../../harness/scenario/types.ts';

export function bindUdp(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

export interface UdpEcho {
  port: number;
  /** Source ports of every datagram received, in order. */
  sources: number[];
  received: number;
  close(): void;
}

/** Echoes datagrams of at most echoMaxBytes; larger ones are only counted (a sink for rate tests). */
export async function udpEcho(echoMaxBytes = 256): Promise<UdpEcho & { bytesAt: { tMs: number; bytes: number }[] }> {
  const sock = await bindUdp();
  const echo = {
    port: sock.address().port,
    sources: [] as number[],
    received: 0,
    bytesAt: [] as { tMs: number; bytes: number }[],
    close: () => sock.close(),
  };
  sock.on('message', (msg, r) => {
    echo.received++;
    echo.sources.push(r.port);
    echo.bytesAt.push({ tMs: performance.now(), bytes: msg.length });
    if (msg.length <= echoMaxBytes) sock.send(msg, r.port, r.address);
  });
  return echo;
}

export interface Pinger {
  sock: Socket;
  port: number;
  /** Sequence number -> round-trip time in ms. */
  rtts: Map<number, number>;
  /** Sequence number -> time it was sent (performance.now()). */
  sentAt: Map<number, number>;
  ping(toPort: number, seq: number, bytes?: number): void;
  close(): void;
}

export async function pinger(): Promise<Pinger> {
  const sock = await bindUdp();
  const p: Pinger = {
    sock,
    port: sock.address().port,
    rtts: new Map(),
    sentAt: new Map(),
    ping(toPort, seq, bytes = 64) {
      const b = Buffer.alloc(bytes);
      b.writeUInt32LE(seq, 0);
      p.sentAt.set(seq, performance.now());
      sock.send(b, toPort, '127.0.0.1');
    },
    close: () => sock.close(),
  };
  sock.on('message', (msg) => {
    const seq = msg.readUInt32LE(0);
    const t = p.sentAt.get(seq);
    if (t !== undefined && !p.rtts.has(seq)) p.rtts.set(seq, performance.now() - t);
  });
  return p;
}

/** A port that was free on 127.0.0.1 a moment ago (for a child process to listen on). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** A one-phase scenario file for `netqoe link` (10 Mbit/s down, 2 up, 30 ms RTT) in dir. */
export function linkScenarioFile(dir: string, name: string, durationS: number): string {
  const file = join(dir, 'link.yaml');
  writeFileSync(file, [`name: ${name}`, `duration: ${durationS}s`, 'network:', '  - name: main', '    at: 0s', '    down: 10Mbps', '    up: 2Mbps', '    rtt: 30ms', ''].join('\n'));
  return file;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

/** A scenario with the same settings both ways (delayMs is one-way). */
export function relayScenario(spec: Partial<DirectionSpec>, events: ScenarioEvent[] = [], durationMs = 60_000): Scenario {
  return simpleScenario(spec, events, durationMs, 3);
}

export function payloadOf(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** TCP server: "GET <n>\n" -> n deterministic bytes, then FIN. */
export async function tcpServer(): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((sock) => {
    let req = '';
    sock.on('data', (d) => {
      req += d.toString();
      const m = /^GET (\d+)\n/.exec(req);
      if (m) sock.end(payloadOf(Number(m[1])));
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Download {
  bytes: Buffer;
  /** From connect() to the last byte, ms. */
  totalMs: number;
  error?: string;
}

export function download(port: number, bytes: number): Promise<Download> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    const sock = connect({ host: '127.0.0.1', port }, () => sock.write(`GET ${bytes}\n`));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', () => resolve({ bytes: Buffer.concat(chunks), totalMs: performance.now() - t0 }));
    sock.on('error', (e: NodeJS.ErrnoException) => resolve({ bytes: Buffer.concat(chunks), totalMs: performance.now() - t0, error: e.code ?? e.message }));
  });
}
