// The SFU: an HTTP server on one address with WebSocket signaling (docs/signaling.md), rooms of
// werift peers, a selection loop choosing every subscriber's layers, and per-second samples.

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { directLink } from './link.ts';
import type { LinkFactory, PeerLink } from './link.ts';
import { PathWatch } from './path-watch.ts';
import { PublisherPeer } from './publisher.ts';
import { Room } from './room.ts';
import { readUdpDrops } from '../net/udp-drops.ts';
import type { RoomOptions } from './room.ts';
import { CLOSE, parseClientMessage } from './signaling/messages.ts';
import type { CandidateMessage, ClientMessage, ServerMessage } from './signaling/messages.ts';
import { PROBE_TICK_MS, SubscriberPeer } from './subscriber.ts';
import type { PeerRole, SfuLayerSwitch, SfuPublisherSample, SfuSubscriberSample } from './types.ts';

export interface SfuOptions {
  /** Where signaling listens. Default 127.0.0.1. */
  host?: string;
  /** 0 = an ephemeral port (default). */
  port?: number;
  /** The address the werift peers gather on and advertise. Default: host. */
  iceHost?: string;
  /** Per-peer link (the relay seam). Default: directLink([iceHost]). */
  link?: LinkFactory;
  /** A connection that has not joined by then is closed (4408). Default 10 s. */
  joinTimeoutMs?: number;
  /** Token bucket per connection: sustained messages per second and burst. Default 50/s, 200. */
  maxMessagesPerS?: number;
  messageBurst?: number;
  /** Samples every this many ms. Default 1000. */
  sampleIntervalMs?: number;
  /** A peer's path is dead after this long without RTP or RTCP from it (docs/sfu.md, "Dead paths"). Default 2500. */
  deadPathMs?: number;
  log?: (msg: string) => void;
}

export type SfuEvent =
  | { kind: 'subscriber'; sample: SfuSubscriberSample }
  | { kind: 'publisher'; sample: SfuPublisherSample }
  | { kind: 'switch'; event: SfuLayerSwitch }
  | { kind: 'peer'; tMs: number; room: string; peerId: string; role: PeerRole; state: 'joined' | 'left' | 'rejoined' }
  /** The SFU's dead-path rule: nothing from the peer for deadPathMs ('dead'), then a packet again ('alive'). */
  | { kind: 'path'; tMs: number; room: string; peerId: string; role: PeerRole; state: 'dead' | 'alive'; silentMs: number }
  /** The peer sent a description with new ICE credentials (an ICE restart), answered by the SFU. */
  | { kind: 'ice-restart'; tMs: number; room: string; peerId: string; role: PeerRole };

export class Sfu {
  private readonly opts: SfuOptions;
  private readonly rooms = new Map<string, Room>();
  private readonly listeners = new Set<(e: SfuEvent) => void>();
  private readonly connections = new Set<SignalingConnection>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private timers: NodeJS.Timeout[] = [];
  private startedAtMs = performance.now();
  private peerCounter = 0;
  /** The live connection of each peer (room NUL peerId): a rejoin under the same id replaces it. */
  private readonly byPeer = new Map<string, SignalingConnection>();
  /** Every event since start, for tests and the run's timeline. */
  readonly events: SfuEvent[] = [];
  url = '';

  constructor(opts: SfuOptions = {}) {
    this.opts = opts;
  }

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  get iceHost(): string {
    return this.opts.iceHost ?? this.host;
  }

  /** ms since start(): the clock of every sample and event. */
  now(): number {
    return performance.now() - this.startedAtMs;
  }

  async start(): Promise<{ url: string; port: number }> {
    if (this.server) throw new Error('SFU already started');
    this.startedAtMs = performance.now();
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('netqoe SFU: connect with a WebSocket (docs/signaling.md)\n');
    });
    const wss = new WebSocketServer({ server, maxPayload: 256 * 1024 });
    wss.on('connection', (ws) => {
      const c = new SignalingConnection(this, ws);
      this.connections.add(c);
      ws.once('close', () => this.connections.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.host, () => resolve());
    });
    this.server = server;
    this.wss = wss;
    const port = (server.address() as AddressInfo).port;
    this.url = `ws://${this.host}:${port}/`;
    this.timers.push(setInterval(() => this.sampleAll(), this.opts.sampleIntervalMs ?? 1000));
    this.timers.push(setInterval(() => this.selectAll(), 100));
    this.timers.push(setInterval(() => this.probeAll(), PROBE_TICK_MS));
    this.timers.push(setInterval(() => this.watchPaths(), 250));
    for (const t of this.timers) t.unref();
    return { url: this.url, port };
  }

  createRoom(name: string, opts: RoomOptions): Room {
    if (this.rooms.has(name)) throw new Error(`room "${name}" exists`);
    const room = new Room(name, opts);
    this.rooms.set(name, room);
    return room;
  }

  room(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  onEvent(listener: (e: SfuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: SfuEvent): void {
    this.events.push(e);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log(`event listener threw: ${String(err)}`);
      }
    }
  }

  log(msg: string): void {
    this.opts.log?.(msg);
  }

  nextPeerId(role: PeerRole): string {
    return `${role === 'publisher' ? 'pub' : 'sub'}-${++this.peerCounter}`;
  }

  get config(): Required<Pick<SfuOptions, 'joinTimeoutMs' | 'maxMessagesPerS' | 'messageBurst' | 'deadPathMs'>> & { link: LinkFactory } {
    return {
      deadPathMs: this.opts.deadPathMs ?? 2500,
      joinTimeoutMs: this.opts.joinTimeoutMs ?? 10_000,
      maxMessagesPerS: this.opts.maxMessagesPerS ?? 50,
      messageBurst: this.opts.messageBurst ?? 200,
      link: this.opts.link ?? directLink([this.iceHost]),
    };
  }

  /** The connection a peer joined on (undefined once it left). */
  connectionOf(room: string, peerId: string): SignalingConnection | undefined {
    return this.byPeer.get(`${room}\u0000${peerId}`);
  }

  setConnection(room: string, peerId: string, c: SignalingConnection | null): void {
    const key = `${room}\u0000${peerId}`;
    if (c !== null) this.byPeer.set(key, c);
    else this.byPeer.delete(key);
  }

  private watchPaths(): void {
    for (const c of this.connections) c.watchPath();
  }

  private lastSelect = new Map<string, number>();

  private selectAll(): void {
    const now = this.now();
    for (const room of this.rooms.values()) {
      const last = this.lastSelect.get(room.name) ?? -Infinity;
      if (now - last < room.selectIntervalMs) continue;
      this.lastSelect.set(room.name, now);
      for (const s of room.subscribers.values()) s.select();
    }
  }

  private probeAll(): void {
    for (const room of this.rooms.values()) for (const s of room.subscribers.values()) s.probeTick();
  }

  private sampleAll(): void {
    const now = Math.round(this.now());
    const udpDrops = [...this.rooms.values()].some((r) => r.publishers.size > 0) ? readUdpDrops() : null;
    for (const room of this.rooms.values()) {
      for (const p of room.publishers.values()) this.emit({ kind: 'publisher', sample: p.sample(now, udpDrops) });
      for (const s of room.subscribers.values()) for (const sample of s.samples(now)) this.emit({ kind: 'subscriber', sample });
    }
  }

  /** Closes every connection (1001), peer and socket. Safe to call twice. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.connections].map((c) => c.close(CLOSE.goingAway, 'SFU shutting down')));
    for (const room of this.rooms.values()) {
      await Promise.all([...room.publishers.keys(), ...room.subscribers.keys()].map((id) => room.removePeer(id)));
    }
    const wss = this.wss;
    const server = this.server;
    this.wss = null;
    this.server = null;
    if (wss) await new Promise<void>((r) => wss.close(() => r()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }
}

/** One WebSocket: join, then descriptions and candidates for one peer, handled in arrival order. */
export class SignalingConnection {
  private readonly sfu: Sfu;
  private readonly ws: WebSocket;
  private room: Room | null = null;
  private peerId = '';
  private role: PeerRole = 'subscriber';
  private peer: PublisherPeer | SubscriberPeer | null = null;
  private link: PeerLink | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** The SFU's candidates wait until its first description went out (the browser would have nowhere to add them). */
  private pendingCandidates: (CandidateMessage | null)[] | null = [];
  private tokens: number;
  private lastRefillMs = performance.now();
  private joinTimer: NodeJS.Timeout | null;
  private pathWatch: PathWatch | null = null;
  /** The ICE username fragment of the peer's last description: a new one is an ICE restart. */
  private remoteUfrag: string | null = null;
  /** A rejoin of the same peer took this connection's place: its teardown leaves the room alone. */
  private replaced = false;

  constructor(sfu: Sfu, ws: WebSocket) {
    this.sfu = sfu;
    this.ws = ws;
    const cfg = sfu.config;
    this.tokens = cfg.messageBurst;
    this.joinTimer = setTimeout(() => void this.close(CLOSE.joinTimeout, `no join within ${cfg.joinTimeoutMs} ms`), cfg.joinTimeoutMs);
    ws.on('message', (data, isBinary) => {
      if (this.closed) return;
      if (!this.takeToken()) {
        void this.close(CLOSE.rateLimited, `more than ${cfg.maxMessagesPerS} messages/s (burst ${cfg.messageBurst})`);
        return;
      }
      if (isBinary) {
        void this.close(CLOSE.badMessage, 'binary frames are not part of the protocol: send JSON text');
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        if (this.peer === null) void this.close(CLOSE.badMessage, `bad message: ${parsed.error}`);
        else this.send({ type: 'error', message: `bad message: ${parsed.error}` });
        return;
      }
      this.queue = this.queue.then(() => this.handle(parsed.message)).catch((err) => {
        this.sfu.log(`${this.peerId || 'connection'}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        this.send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      });
    });
    ws.on('close', () => void this.teardown());
    ws.on('error', (err) => this.sfu.log(`websocket error: ${err.message}`));
  }

  private takeToken(): boolean {
    const cfg = this.sfu.config;
    const now = performance.now();
    this.tokens = Math.min(cfg.messageBurst, this.tokens + ((now - this.lastRefillMs) / 1000) * cfg.maxMessagesPerS);
    this.lastRefillMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private send(msg: ServerMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(msg));
  }

  private async handle(msg: ClientMessage): Promise<void> {
    if (this.closed) return;
    if (msg.type === 'join') return this.join(msg);
    if (this.peer === null || this.room === null || this.link === null) {
      await this.close(CLOSE.badMessage, `"${msg.type}" before "join"`);
      return;
    }
    if (msg.type === 'leave') {
      await this.close(CLOSE.normal, 'left');
      return;
    }
    if (msg.type === 'candidate') {
      const c = msg.candidate === null ? null : this.link.candidateFromPeer(msg.candidate);
      if (msg.candidate !== null && c === null) return;
      await this.peer.addCandidate(c);
      return;
    }
    // description
    const d = msg.description;
    if (d.type === 'rollback') return;
    if (d.sdp === undefined) throw new Error(`a "${d.type}" description needs sdp`);
    const inbound = await this.link.fromPeer({ type: d.type, sdp: d.sdp });
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(inbound.sdp)?.[1] ?? null;
    const iceRestart = ufrag !== null && this.remoteUfrag !== null && ufrag !== this.remoteUfrag;
    if (iceRestart) {
      this.sfu.emit({ kind: 'ice-restart', tMs: Math.round(this.sfu.now()), room: this.room.name, peerId: this.peerId, role: this.role });
    }
    if (ufrag !== null) this.remoteUfrag = ufrag;
    if (this.peer instanceof PublisherPeer) {
      if (inbound.type !== 'offer') throw new Error('a publisher sends offers; the SFU answers');
      const answer = await this.peer.handleOffer(inbound.sdp);
      await this.sendDescription({ type: 'answer', sdp: answer });
      if (iceRestart) this.resumeIce();
      this.room.publisherReady(this.peer);
      return;
    }
    const answer = await this.peer.handleDescription(inbound);
    if (answer !== null) await this.sendDescription({ type: 'answer', sdp: answer });
    if (answer !== null && iceRestart) this.resumeIce();
  }

  private async sendDescription(d: { type: 'offer' | 'answer'; sdp: string }, streams?: Record<string, string>): Promise<void> {
    if (this.link === null) return;
    const out = await this.link.toPeer(d);
    this.send(streams ? { type: 'description', description: out, streams } : { type: 'description', description: out });
    const held = this.pendingCandidates;
    this.pendingCandidates = null;
    for (const c of held ?? []) this.sendCandidate(c);
  }

  private sendCandidate(c: CandidateMessage | null): void {
    if (this.link === null) return;
    if (this.pendingCandidates !== null) {
      this.pendingCandidates.push(c);
      return;
    }
    if (c === null) {
      this.send({ type: 'candidate', candidate: null });
      return;
    }
    const out = this.link.candidateToPeer(c);
    if (out !== null) this.send({ type: 'candidate', candidate: out });
  }

  private async join(msg: Extract<ClientMessage, { type: 'join' }>): Promise<void> {
    if (this.peer !== null) {
      this.send({ type: 'error', message: 'already joined' });
      return;
    }
    const room = this.sfu.room(msg.room);
    if (!room) return this.close(CLOSE.unknownRoom, `unknown room "${msg.room}"`);
    if (!room.tokenMatches(msg.token)) return this.close(CLOSE.wrongToken, `wrong token for room "${msg.room}"`);
    const peerId = msg.peerId ?? this.sfu.nextPeerId(msg.role);
    // A rejoin (a full reconnect: new peer connection, new signaling) replaces the peer's old connection.
    const replacing = room.has(peerId) && msg.rejoin === true ? (this.sfu.connectionOf(room.name, peerId) ?? null) : null;
    if (room.has(peerId) && (replacing === null || replacing.peerRole !== msg.role)) {
      return this.close(CLOSE.duplicatePeer, `peer "${peerId}" is already in room "${msg.room}"`);
    }
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.joinTimer = null;
    this.room = room;
    this.peerId = peerId;
    this.role = msg.role;
    if (replacing) await replacing.retire();
    this.sfu.setConnection(room.name, peerId, this);
    this.link = await this.sfu.config.link({ room: room.name, peerId, role: msg.role });
    const ice = { hostAddress: this.sfu.iceHost };
    const log = (m: string) => this.sfu.log(m);
    const now = () => this.sfu.now();
    const codec = msg.codec ?? room.codec;
    if (msg.role === 'publisher') {
      const pub = new PublisherPeer({
        id: peerId,
        room: room.name,
        codec,
        layers: room.layers,
        capture: room.capture,
        ice,
        uplink: room.makeUplinkEstimator(peerId),
        rembIntervalMs: room.rembIntervalMs,
        now,
        onCandidate: (c) => this.sendCandidate(c),
        log,
      });
      this.peer = pub;
      if (!(replacing && (await room.replacePublisher(pub)))) room.publishers.set(peerId, pub);
    } else {
      const sub = new SubscriberPeer({
        id: peerId,
        room: room.name,
        codecs: ['VP8', 'H264'],
        ice,
        transportCc: room.downlinkTransportCc,
        estimator: room.makeDownlinkEstimator(peerId),
        makeSelector: () => room.makeSelector(),
        now,
        sendOffer: (sdp, streams) => this.sendDescription({ type: 'offer', sdp }, streams),
        onCandidate: (c) => this.sendCandidate(c),
        onSwitch: (event) => this.sfu.emit({ kind: 'switch', event }),
        log,
      });
      this.peer = sub;
    }
    this.send({
      type: 'joined',
      room: room.name,
      peerId,
      role: msg.role,
      polite: true,
      iceServers: [],
      codec,
      layers: room.layers.map((l) => ({ ...l })),
    });
    this.sfu.emit({ kind: 'peer', tMs: Math.round(this.sfu.now()), room: room.name, peerId, role: msg.role, state: replacing ? 'rejoined' : 'joined' });
    const sfu = this.sfu;
    this.pathWatch = new PathWatch(
      this.peer.pc,
      () => sfu.now(),
      (t) => {
        sfu.emit({ kind: 'path', tMs: Math.round(sfu.now()), room: room.name, peerId, role: msg.role, state: t.state, silentMs: t.state === 'dead' ? Math.round(t.silentMs) : Math.round(t.deadForMs) });
        if (t.state === 'alive' && this.peer instanceof SubscriberPeer) this.peer.requestKeyframes();
      },
      sfu.config.deadPathMs,
    );
    // After "joined" went out, so the subscriber's first offer cannot overtake it.
    if (this.peer instanceof SubscriberPeer && !(replacing && (await room.replaceSubscriber(this.peer)))) room.addSubscriber(this.peer);
  }

  /**
   * werift gap: after a remote ICE restart its peer connection does not run ICE again while DTLS is
   * still up (connect() returns early on a connected DTLS transport), so the restarted agent answers
   * checks but never gets consent on the new pair and sends nothing more (no RTCP to publishers, no
   * media to subscribers). Start the restarted ICE transports ourselves; DTLS and SRTP keep their keys.
   */
  private resumeIce(): void {
    for (const t of this.peer?.pc.dtlsTransports ?? []) {
      const ice = t.iceTransport;
      // Its state may still read 'completed' (werift keeps the old value) while no pair is nominated.
      if (ice.state === 'closed') continue;
      ice
        .start()
        .then(() => {
          if (this.peer instanceof SubscriberPeer) this.peer.requestKeyframes();
        })
        .catch((err: Error) => this.sfu.log(`${this.peerId}: ICE after restart: ${err.message}`));
    }
  }

  get peerRole(): PeerRole {
    return this.role;
  }

  /** Applies the dead-path rule (called every 250 ms by the SFU). */
  watchPath(): void {
    if (!this.closed && this.peer !== null) this.pathWatch?.tick();
  }

  /** Another connection of the same peer took over: close this one (4410) without leaving the room. */
  async retire(): Promise<void> {
    this.replaced = true;
    this.pathWatch = null;
    await this.close(CLOSE.replaced, 'replaced by a new connection of the same peer');
  }

  async close(code: number, reason: string): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    }
    await this.teardown();
  }

  private tornDown = false;

  private async teardown(): Promise<void> {
    this.closed = true;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.joinTimer = null;
    if (this.tornDown) return;
    this.tornDown = true;
    const room = this.room;
    if (room && this.peer && !this.replaced) {
      if (this.sfu.connectionOf(room.name, this.peerId) === this) this.sfu.setConnection(room.name, this.peerId, null);
      await room.removePeer(this.peerId);
      this.sfu.emit({ kind: 'peer', tMs: Math.round(this.sfu.now()), room: room.name, peerId: this.peerId, role: this.role, state: 'left' });
    }
    if (this.replaced) await this.peer?.close(); // the room already holds its successor
    this.peer = null;
    this.pathWatch = null;
    await this.link?.close(this.replaced ? 'replaced' : 'left');
    this.link = null;
  }
}
