// The loss and round trip a TCP download sees over time, as a Mathis goodput timeline (tcp.ts), for the
// simulator's fluid downloads. Pieces follow the downlink's settings timeline (phases, loss bursts,
// outages) and the uplink's (its delay is half the round trip).

import { mathisTimeline, type LossPiece, type MathisTimeline } from './tcp.ts';
import type { SimulatedLinkDirection } from './link-direction.ts';
import { longRunLossRate, segmentIndexAt } from './settings-timeline.ts';

export interface TcpLossTimelineOptions {
  mssBytes: number;
}

/** Loss pieces of the downlink, each with the round trip in force at its start. */
export function tcpLossPieces(down: SimulatedLinkDirection, up: SimulatedLinkDirection): LossPiece[] {
  const downTl = down.compiled.timeline;
  const upTl = up.compiled.timeline;
  const breaks = new Set<number>();
  for (const s of downTl.segments) breaks.add(s.startMs);
  for (const s of upTl.segments) breaks.add(s.startMs);
  const times = [...breaks].sort((a, b) => a - b);
  const pieces: LossPiece[] = [];
  for (const t of times) {
    const d = downTl.segments[segmentIndexAt(downTl, t)];
    const u = upTl.segments[segmentIndexAt(upTl, t)];
    pieces.push({ startMs: t, lossRate: longRunLossRate(d.loss), rttMs: d.spec.delayMs + u.spec.delayMs });
  }
  return pieces;
}

/** The Mathis goodput timeline of a link model's downlink. */
export function tcpMathisTimeline(down: SimulatedLinkDirection, up: SimulatedLinkDirection, opts: TcpLossTimelineOptions): MathisTimeline {
  return mathisTimeline(tcpLossPieces(down, up), opts.mssBytes);
}
