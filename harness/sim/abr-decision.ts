// Run-time check of what an ABR algorithm's choose() returns (algorithms/abr/types.ts AbrDecision). A bad
// decision is a bug in the algorithm: the run stops with an error naming the algorithm, its file and the
// value, and is recorded as crashed (exit 3, like an algorithm that throws), rather than being clamped to a
// rung and written to results.json as if it had been chosen.

import type { AbrDecision } from '../../algorithms/abr/types.ts';

export class AbrDecisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbrDecisionError';
  }
}

export interface AbrDecisionSource {
  name: string;
  /** The module file of a user algorithm (undefined: a built-in). */
  file?: string;
}

/** The decision, checked: quality an integer rung index, reason a string, delayMs absent or a finite ms >= 0. */
export function checkAbrDecision(decision: unknown, rungCount: number, segmentIndex: number, who: AbrDecisionSource): AbrDecision {
  // The common case without allocating (one call per segment of every simulated session).
  const ok = decision as Partial<AbrDecision> | null;
  if (
    typeof ok === 'object' && ok !== null &&
    Number.isInteger(ok.quality) && (ok.quality as number) >= 0 && (ok.quality as number) < rungCount &&
    typeof ok.reason === 'string' &&
    (ok.delayMs === undefined || (Number.isFinite(ok.delayMs) && (ok.delayMs as number) >= 0))
  ) {
    return ok as AbrDecision;
  }
  const problems: string[] = [];
  if (typeof decision !== 'object' || decision === null) {
    problems.push(`expected an object { quality, reason }`);
  } else {
    const d = decision as Record<string, unknown>;
    const q = d.quality;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q >= rungCount) {
      problems.push(`quality must be an integer rung index from 0 to ${rungCount - 1}`);
    }
    if (typeof d.reason !== 'string') problems.push('reason must be a string');
    const w = d.delayMs;
    if (w !== undefined && (typeof w !== 'number' || !Number.isFinite(w) || w < 0)) problems.push('delayMs must be absent or a number of ms >= 0');
  }
  if (problems.length === 0) return decision as AbrDecision;
  const where = who.file ? `${who.file}: ABR algorithm "${who.name}"` : `built-in ABR algorithm "${who.name}"`;
  throw new AbrDecisionError(`${where} returned a bad decision for segment ${segmentIndex}: ${describe(decision)} (${problems.join('; ')})`);
}

/** The value as the user would write it: NaN, Infinity and undefined shown, not turned into null. */
function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? `__${String(v)}__` : v === undefined ? '__undefined__' : v,
    );
    if (text === undefined) return String(value);
    return text.replace(/"__(NaN|Infinity|-Infinity|undefined)__"/g, '$1');
  } catch {
    return String(value);
  }
}
