// The signaling protocol between a browser peer and the SFU (docs/signaling.md): JSON text frames over one WebSocket per peer.

import { z } from 'zod';

/** WebSocket close codes the SFU uses (4000-4999 is the application range of RFC 6455 7.4.2). */
export const CLOSE = {
  /** A normal leave, or the SFU shutting the room. */
  normal: 1000,
  goingAway: 1001,
  badMessage: 4400,
  wrongToken: 4401,
  unknownRoom: 4404,
  joinTimeout: 4408,
  duplicatePeer: 4409,
  rateLimited: 4429,
  /** The same peer joined again on a new connection (a full reconnect): the old connection is closed. */
  replaced: 4410,
  internalError: 4500,
} as const;

const description = z.object({ type: z.enum(['offer', 'answer', 'rollback']), sdp: z.string().optional() });
const candidate = z
  .object({
    candidate: z.string(),
    sdpMid: z.string().nullable().optional(),
    sdpMLineIndex: z.number().int().nonnegative().nullable().optional(),
    usernameFragment: z.string().nullable().optional(),
  })
  .nullable();

const peerId = z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)');

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('join'),
    room: z.string().min(1).max(128),
    token: z.string(),
    role: z.enum(['publisher', 'subscriber']),
    /** Chosen by the client (the harness names its peers); the SFU makes one up when absent. */
    peerId: peerId.optional(),
    /** A publisher's codec; default: the room's. */
    codec: z.enum(['VP8', 'H264']).optional(),
    /** A full reconnect: this connection replaces the peer's old one (same id) instead of being refused (4409). */
    rejoin: z.boolean().optional(),
  }),
  z.object({ type: z.literal('description'), description }),
  z.object({ type: z.literal('candidate'), candidate }),
  z.object({ type: z.literal('leave') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type SessionDescriptionMessage = z.infer<typeof description>;
export type CandidateMessage = NonNullable<z.infer<typeof candidate>>;

export type ServerMessage =
  | {
      type: 'joined';
      room: string;
      peerId: string;
      role: 'publisher' | 'subscriber';
      /** Perfect negotiation: the browser is the polite peer, the SFU never rolls back. */
      polite: true;
      iceServers: [];
      /** What a publisher should send: its codec and simulcast encodings (ascending). */
      codec: 'VP8' | 'H264';
      layers: { rid: string; scaleResolutionDownBy: number; maxBitrateBps: number }[];
    }
  | {
      type: 'description';
      description: { type: 'offer' | 'answer'; sdp: string };
      /** For a subscriber: which publisher each m-line (mid) carries. */
      streams?: Record<string, string>;
    }
  | { type: 'candidate'; candidate: CandidateMessage | null }
  | { type: 'error'; message: string };

/** Parses one text frame; the error names the field. */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = clientMessageSchema.safeParse(json);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : 'message';
  return { ok: false, error: `${path}: ${issue?.message ?? 'invalid'}` };
}
