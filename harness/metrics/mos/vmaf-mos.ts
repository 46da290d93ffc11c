// Per-second video MOS from VMAF with stall penalties: linear VMAF -> 1..5 (a convention; VMAF's scale: Li et al., Netflix Tech Blog 2016 "Toward A Practical Perceptual Video Quality Metric") and ITU-T P.1203.3 eq. 29 for stalls. Not a standard: see docs/scoring.md "MOS".

import { clamp } from './p1203-shared.ts';
import { p1203StallingImpact } from './p1203-integration.ts';

/** VMAF 0..100 -> MOS 1..5, linearly (VMAF 100 = 5, 0 = 1). */
export function mosFromVmaf(vmaf: number): number {
  return clamp(1 + (4 * vmaf) / 100, 1, 5);
}

export interface ScoredSecond {
  /** Start of the second (ms, the run's clock). */
  tMs: number;
  /** null: no VMAF for that second (no libvmaf); the second then has no MOS. */
  vmaf: number | null;
}

export interface Freeze {
  tMs: number;
  durationMs: number;
}

export interface VmafMosResult {
  /** Per second: MOS from VMAF, pulled to 1 in proportion to the part of the second that was frozen; null without VMAF. */
  perSecond: { tMs: number; mos: number | null; frozenRatio: number }[];
  /** Session: mean per-second MOS of the seconds not frozen, times P.1203.3's stalling impact (eq. 28-29); null without VMAF. */
  sessionMos: number | null;
}

/**
 * Frames a viewer saw frozen are scored against the reference frame they show, so VMAF alone does not see a
 * freeze: the penalty is added here. Per second, a frozen part f scores as the floor: 1 + (MOS - 1)(1 - f).
 * Per session, freezes are P.1203.3 stalls (number, length weighted by recency, spacing) on the session's
 * quality, the way P.1203.3 applies them to O.35.
 */
export function vmafMos(seconds: readonly ScoredSecond[], freezes: readonly Freeze[]): VmafMosResult {
  const ordered = [...seconds].sort((a, b) => a.tMs - b.tMs);
  const perSecond = ordered.map((s) => {
    let frozenMs = 0;
    for (const f of freezes) frozenMs += Math.max(0, Math.min(s.tMs + 1000, f.tMs + f.durationMs) - Math.max(s.tMs, f.tMs));
    const frozenRatio = clamp(frozenMs / 1000, 0, 1);
    const mos = s.vmaf === null ? null : 1 + (mosFromVmaf(s.vmaf) - 1) * (1 - frozenRatio);
    return { tMs: s.tMs, mos, frozenRatio };
  });
  const scored = ordered.filter((s) => s.vmaf !== null) as { tMs: number; vmaf: number }[];
  if (scored.length === 0) return { perSecond, sessionMos: null };
  // Quality while playing: weight each second by the part of it that was not frozen.
  let sum = 0;
  let weight = 0;
  perSecond.forEach((p, i) => {
    const v = ordered[i].vmaf;
    if (v === null) return;
    sum += mosFromVmaf(v) * (1 - p.frozenRatio);
    weight += 1 - p.frozenRatio;
  });
  const quality = weight > 0 ? sum / weight : 1;
  const startMs = ordered[0].tMs;
  const durationS = ordered.length;
  const stalls = freezes
    .filter((f) => f.durationMs > 0 && f.tMs >= startMs && f.tMs < startMs + durationS * 1000)
    .map((f) => ({ positionS: (f.tMs - startMs) / 1000, durationS: f.durationMs / 1000 }));
  const impact = p1203StallingImpact(stalls, durationS);
  return { perSecond, sessionMos: clamp(1 + (quality - 1) * impact, 1, 5) };
}
