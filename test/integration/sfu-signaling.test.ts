// Signaling without a browser: the SFU's WebSocket protocol, close codes and reasons (docs/signaling.md).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE, Sfu } from '../../harness/sfu/index.ts';
import type { SfuEvent } from '../../harness/sfu/index.ts';

let sfu: Sfu;
let url: string;

beforeAll(async () => {
  sfu = new Sfu({ joinTimeoutMs: 300, maxMessagesPerS: 5, messageBurst: 10 });
  ({ url } = await sfu.start());
  sfu.createRoom('lobby', { token: 's3cret' });
});

afterAll(async () => {
  await sfu.stop();
});

interface Client {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: string): Promise<Record<string, unknown>>;
}

async function connect(): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Record<string, unknown>;
    messages.push(m);
    for (const w of waiters.filter((x) => x.type === m.type)) w.resolve(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  return {
    ws,
    messages,
    closed,
    next: (type) => {
      const seen = messages.find((m) => m.type === type);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

const join = (c: Client, extra: Record<string, unknown> = {}) => c.ws.send(JSON.stringify({ type: 'join', room: 'lobby', token: 's3cret', role: 'subscriber', ...extra }));

describe('SFU signaling', () => {
  test('a wrong token is refused with 4401 and a reason naming the room', async () => {
    const c = await connect();
    join(c, { token: 'guess' });
    expect(await c.closed).toEqual({ code: CLOSE.wrongToken, reason: 'wrong token for room "lobby"' });
  });

  test('an unknown room is refused with 4404', async () => {
    const c = await connect();
    join(c, { room: 'nowhere' });
    expect(await c.closed).toEqual({ code: CLOSE.unknownRoom, reason: 'unknown room "nowhere"' });
  });

  test('a connection that never joins is closed after the join timeout', async () => {
    const c = await connect();
    expect(await c.closed).toEqual({ code: CLOSE.joinTimeout, reason: 'no join within 300 ms' });
  });

  test('a malformed first message is refused with the field at fault', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ type: 'join', room: 'lobby', token: 's3cret', role: 'viewer' }));
    const closed = await c.closed;
    expect(closed.code).toBe(CLOSE.badMessage);
    expect(closed.reason).toMatch(/^bad message: role: /);
  });

  test('join, joined (polite, no ICE servers, the layers), leave; the SFU reports both', async () => {
    const events: SfuEvent[] = [];
    const off = sfu.onEvent((e) => events.push(e));
    const c = await connect();
    join(c, { peerId: 'viewer-1' });
    const joined = await c.next('joined');
    expect(joined).toMatchObject({ type: 'joined', room: 'lobby', peerId: 'viewer-1', role: 'subscriber', polite: true, iceServers: [], codec: 'VP8' });
    expect((joined.layers as { rid: string }[]).map((l) => l.rid)).toEqual(['l', 'm', 'h']);
    expect(sfu.room('lobby')?.subscribers.has('viewer-1')).toBe(true);

    // A second peer with the same id is refused.
    const dup = await connect();
    join(dup, { peerId: 'viewer-1' });
    expect(await dup.closed).toEqual({ code: CLOSE.duplicatePeer, reason: 'peer "viewer-1" is already in room "lobby"' });

    c.ws.send(JSON.stringify({ type: 'leave' }));
    expect(await c.closed).toEqual({ code: CLOSE.normal, reason: 'left' });
    await expect.poll(() => sfu.room('lobby')?.subscribers.has('viewer-1')).toBe(false);
    off();
    const peerEvents = events.filter((e) => e.kind === 'peer').map((e) => (e.kind === 'peer' ? e.state : ''));
    expect(peerEvents).toEqual(['joined', 'left']);
  });

  test('after joining, a bad message is answered with an error and the connection stays', async () => {
    const c = await connect();
    join(c);
    await c.next('joined');
    c.ws.send('{"type":"candidate"}');
    expect(await c.next('error')).toMatchObject({ message: expect.stringMatching(/^bad message: candidate/) });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  test('a flood of messages is cut off with 4429', async () => {
    const c = await connect();
    join(c);
    await c.next('joined');
    for (let i = 0; i < 30; i++) c.ws.send(JSON.stringify({ type: 'candidate', candidate: null }));
    expect((await c.closed).code).toBe(CLOSE.rateLimited);
  });

  test('stop() closes open connections with 1001', async () => {
    const other = new Sfu();
    const { url: u } = await other.start();
    other.createRoom('r', { token: 't' });
    const ws = new WebSocket(u);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send(JSON.stringify({ type: 'join', room: 'r', token: 't', role: 'publisher' }));
    await new Promise((r) => ws.once('message', r));
    await other.stop();
    expect(await closed).toBe(CLOSE.goingAway);
  });
});
