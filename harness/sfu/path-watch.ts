// The SFU's own dead-path rule. werift never reports 'disconnected' and fails ICE only after ~30 s
// (consent expiry), far too late to say when a peer's path died. The rule (docs/sfu.md, "Dead paths"):
// once anything came from a peer, its path is **dead** when no RTP and no RTCP has arrived from it for
// deadAfterMs (default 2500 ms), and **alive** again at the next packet. Why this much: a Chrome
// publisher sends RTP at every frame (30 fps, three layers); a Chrome subscriber sends RTCP receiver
// reports and REMB at least every ~1-1.5 s (RFC 3550 interval with its 0.5-1.5 jitter, 1 s minimum for
// video), so 2.5 s of silence is not a quiet peer. STUN consent checks are not counted: werift answers
// them below the media layer, and they stop with the path anyway.

import type { RTCPeerConnection } from 'werift';

export const DEFAULT_DEAD_AFTER_MS = 2500;

export type PathTransition = { state: 'dead'; silentMs: number; lastHeardMs: number } | { state: 'alive'; deadForMs: number };

/** The pure rule: heard(t) for every packet, check(t) periodically; transitions come out. */
export class PathSilenceRule {
  private readonly deadAfterMs: number;
  private lastHeardMs: number | null = null;
  private deadSinceMs: number | null = null;

  constructor(deadAfterMs = DEFAULT_DEAD_AFTER_MS) {
    this.deadAfterMs = deadAfterMs;
  }

  get dead(): boolean {
    return this.deadSinceMs !== null;
  }

  /** A packet came in at tMs; 'alive' when it ends a dead spell. */
  heard(tMs: number): PathTransition | null {
    this.lastHeardMs = this.lastHeardMs === null ? tMs : Math.max(this.lastHeardMs, tMs);
    if (this.deadSinceMs === null) return null;
    const deadForMs = tMs - this.deadSinceMs;
    this.deadSinceMs = null;
    return { state: 'alive', deadForMs };
  }

  /** 'dead' at the first check that finds deadAfterMs of silence (the path died at lastHeardMs). */
  check(tMs: number): PathTransition | null {
    if (this.lastHeardMs === null || this.deadSinceMs !== null) return null;
    const silentMs = tMs - this.lastHeardMs;
    if (silentMs < this.deadAfterMs) return null;
    this.deadSinceMs = tMs;
    return { state: 'dead', silentMs, lastHeardMs: this.lastHeardMs };
  }
}

/** The rule on a werift peer: every DTLS transport's RTP and RTCP count as heard. */
export class PathWatch {
  readonly rule: PathSilenceRule;
  private readonly pc: RTCPeerConnection;
  private readonly now: () => number;
  private readonly watched = new WeakSet<object>();
  private readonly onTransition: (t: PathTransition) => void;

  constructor(pc: RTCPeerConnection, now: () => number, onTransition: (t: PathTransition) => void, deadAfterMs?: number) {
    this.pc = pc;
    this.now = now;
    this.onTransition = onTransition;
    this.rule = new PathSilenceRule(deadAfterMs);
  }

  /** Called periodically: picks up transports made by (re)negotiation, then applies the rule. */
  tick(): void {
    for (const t of this.pc.dtlsTransports) {
      if (this.watched.has(t)) continue;
      this.watched.add(t);
      const heard = () => {
        const tr = this.rule.heard(this.now());
        if (tr) this.onTransition(tr);
      };
      t.onRtp.subscribe(heard);
      t.onRtcp.subscribe(heard);
    }
    const tr = this.rule.check(this.now());
    if (tr) this.onTransition(tr);
  }
}
