// Checks a scenario's `expect:` lines against a run's metrics.

import type { ExpectationOutcome } from '../run/types.ts';
import type { ComparisonOp, Expectation } from '../scenario/types.ts';

/** '==' tolerates float noise: equal within 1e-9 relative (or absolute near 0). */
export function compare(actual: number, op: ComparisonOp, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return Math.abs(actual - value) <= 1e-9 * Math.max(1, Math.abs(actual), Math.abs(value));
  }
}

/**
 * The outcomes of the expectations that apply to `algorithm` (those naming it, and those naming
 * none), in order. A metric the run did not produce (or NaN) fails with actual null.
 */
export function evaluateExpectations(
  expectations: readonly Expectation[],
  algorithm: string | readonly string[],
  metrics: Record<string, number>,
): ExpectationOutcome[] {
  // An algorithm may be named several ways (its own name, or the file it was loaded from).
  const names = typeof algorithm === 'string' ? [algorithm] : algorithm;
  const out: ExpectationOutcome[] = [];
  for (const e of expectations) {
    if (e.algorithm !== null && !names.includes(e.algorithm)) continue;
    const raw = Object.hasOwn(metrics, e.metric) ? metrics[e.metric] : undefined;
    const actual = typeof raw === 'number' && !Number.isNaN(raw) ? raw : null;
    out.push({ expr: e.text, metric: e.metric, actual, pass: actual !== null && compare(actual, e.op, e.value), where: e.where });
  }
  return out;
}
