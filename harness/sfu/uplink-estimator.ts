// Source: issue 5, "REMB to publishers" (a stand-in until algorithms/bwe provides receive-side estimators).
//
// What the SFU tells a publisher it may send (REMB). Chrome treats REMB as its target and otherwise
// ramps ~8%/s on its own; werift sends no congestion feedback, so without this the publisher sits
// near its start rate for a minute. The rule: target = min(cap, incoming x gain + headroom), each
// REMB letting the publisher add ~50% + 300 kbps. That alone stalls below the top layer: Chrome
// enables a simulcast layer only when the target covers the lower layers plus the new layer's
// minimum (l 150 + m 500 + h ~600 kbps for 720p), so a publisher sending l + m (~650 kbps) gets
// 1.3 Mbps and stays there. So, as a receive-side estimator probes, the target also grows by
// rampPerS (25%/s) from its last value while the reported loss stays under lossFloor, up to the cap.
// Loss above lossFloor: target = min(rule, last) x (1 - loss / 2) (the loss-based half of GCC).
// Start phase: libwebrtc's send-side estimator adopts a REMB above its own estimate only during its
// first 2 s (SendSideBandwidthEstimation's start phase); later it climbs at most 8%/s whatever REMB
// says. So for the first startPhaseMs the target is at least startBps (what all layers need), which
// lets Chrome enable its top layer in ~3 s instead of ~9 s; loss in that phase ends it early.
// So without loss the target climbs to the cap and stays there, as GCC's loss-based controller does
// (the delay-based half, which would notice a queue building before loss, is algorithms/bwe's).
// With rampPerS = 0 the target follows the rule, and a measured drop with no loss (an encoder
// undershooting a static scene) lowers it by at most maxDecreasePerS per second.

export interface UplinkContext {
  tMs: number;
  /** All layers of the publisher, measured over the last second. */
  incomingBps: number;
  /** Fraction 0..1 of the publisher's packets lost over the last second (sequence gaps), if known. */
  lossRate?: number;
}

export interface UplinkEstimate {
  targetBps: number;
  reason: string;
}

/** The seam for algorithms/bwe: anything that turns what arrives into a REMB value. */
export interface UplinkEstimator {
  readonly name: string;
  update(ctx: UplinkContext): UplinkEstimate;
}

export interface RembRampOptions {
  /** Never advertise more than this (the scenario's uplink, or a policy cap). Default 10 Mbps. */
  capBps?: number;
  gain?: number;
  headroomBps?: number;
  /** Growth of the last target per second while loss stays low. Default 0.25 (25%/s). */
  rampPerS?: number;
  /** Loss under this counts as none. Default 0.02. */
  lossFloor?: number;
  /** The lowest fraction of the previous target one second may leave without loss. Default 0.85. */
  maxDecreasePerS?: number;
  /** The least target in the start phase (e.g. the sum of the layers' ceilings). Default 0: no start phase. */
  startBps?: number;
  /** Default 2000 ms from the first update. */
  startPhaseMs?: number;
}

export function createRembRampEstimator(opts: RembRampOptions = {}): UplinkEstimator {
  const capBps = opts.capBps ?? 10_000_000;
  const gain = opts.gain ?? 1.5;
  const headroomBps = opts.headroomBps ?? 300_000;
  const rampPerS = Math.max(0, opts.rampPerS ?? 0.25);
  const lossFloor = opts.lossFloor ?? 0.02;
  const maxDecreasePerS = Math.min(1, Math.max(0, opts.maxDecreasePerS ?? 0.85));
  const startBps = opts.startBps ?? 0;
  const startPhaseMs = opts.startPhaseMs ?? 2000;
  let last: { tMs: number; targetBps: number } | null = null;
  let firstMs: number | null = null;
  let startPhase = startBps > 0;
  return {
    name: 'remb-ramp',
    update(ctx: UplinkContext): UplinkEstimate {
      const ruleBps = ctx.incomingBps * gain + headroomBps;
      const loss = ctx.lossRate ?? 0;
      firstMs ??= ctx.tMs;
      if (startPhase && (loss > lossFloor || ctx.tMs - firstMs >= startPhaseMs)) startPhase = false;
      const dtS = last === null ? 0 : Math.max(0, ctx.tMs - last.tMs) / 1000;
      let targetBps: number;
      let reason = `incoming ${kbps(ctx.incomingBps)} x${gain} + ${kbps(headroomBps)} = ${kbps(ruleBps)}`;
      if (last !== null && loss > lossFloor) {
        targetBps = Math.min(ruleBps, last.targetBps) * (1 - loss / 2);
        reason += `; loss ${(loss * 100).toFixed(1)}%: x${(1 - loss / 2).toFixed(2)} -> ${kbps(targetBps)}`;
      } else {
        targetBps = ruleBps;
        if (startPhase && startBps > targetBps) {
          targetBps = startBps;
          reason += `; start phase: at least ${kbps(startBps)}`;
        }
        if (last !== null) {
          const rampBps = last.targetBps * (1 + rampPerS) ** dtS;
          if (rampPerS > 0 && rampBps > targetBps) {
            targetBps = rampBps;
            reason += `; ramp ${kbps(last.targetBps)} +${rampPerS * 100}%/s = ${kbps(rampBps)}`;
          }
          const floorBps = last.targetBps * maxDecreasePerS ** dtS;
          if (targetBps < floorBps) {
            targetBps = floorBps;
            reason += `; decrease limited to x${maxDecreasePerS}/s: ${kbps(floorBps)}`;
          }
        }
      }
      if (targetBps > capBps) {
        targetBps = capBps;
        reason += `; capped at ${kbps(capBps)}`;
      }
      last = { tMs: ctx.tMs, targetBps };
      return { targetBps, reason };
    },
  };
}

function kbps(bps: number): string {
  return `${Math.round(bps / 1000)} kbps`;
}
