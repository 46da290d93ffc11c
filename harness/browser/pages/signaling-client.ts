// The page's side of the SFU's signaling (docs/signaling.md): one WebSocket, JSON messages, close reasons kept.

export interface JoinRequest {
  room: string;
  token: string;
  role: 'publisher' | 'subscriber';
  peerId: string;
  codec?: 'VP8' | 'H264';
  /** A full reconnect: replace this peer's old connection at the SFU. */
  rejoin?: boolean;
}

export interface Joined {
  type: 'joined';
  room: string;
  peerId: string;
  role: 'publisher' | 'subscriber';
  polite: boolean;
  iceServers: RTCIceServer[];
  codec: 'VP8' | 'H264';
  layers: { rid: string; scaleResolutionDownBy: number; maxBitrateBps: number }[];
}

export type IncomingMessage =
  | Joined
  | { type: 'description'; description: RTCSessionDescriptionInit; streams?: Record<string, string> }
  | { type: 'candidate'; candidate: RTCIceCandidateInit | null }
  | { type: 'error'; message: string };

export interface SignalingClient {
  joined: Promise<Joined>;
  send(msg: object): void;
  onMessage(fn: (m: IncomingMessage) => void): void;
  /** Resolves with the close code and reason when the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function connectSignaling(url: string, join: JoinRequest): SignalingClient {
  const ws = new WebSocket(url);
  const handlers: ((m: IncomingMessage) => void)[] = [];
  let resolveJoined: (j: Joined) => void = () => {};
  let rejectJoined: (e: Error) => void = () => {};
  const joined = new Promise<Joined>((res, rej) => {
    resolveJoined = res;
    rejectJoined = rej;
  });
  const closed = new Promise<{ code: number; reason: string }>((res) => {
    ws.addEventListener('close', (e) => {
      rejectJoined(new Error(`signaling closed before join: ${e.code} ${e.reason}`));
      res({ code: e.code, reason: e.reason });
    });
  });
  ws.addEventListener('open', () => {
    const { rejoin, ...rest } = join;
    ws.send(JSON.stringify(rejoin ? { type: 'join', ...rest, rejoin: true } : { type: 'join', ...rest }));
  });
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as IncomingMessage;
    if (m.type === 'joined') resolveJoined(m);
    for (const h of handlers) h(m);
  });
  return {
    joined,
    send(msg: object) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    },
    onMessage(fn) {
      handlers.push(fn);
    },
    closed,
    close() {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'leave' }));
      ws.close(1000, 'page closed');
    },
  };
}
