// `expect:` lines: "metric: op value", for every algorithm or under an algorithm's name. The metric
// catalogue is the single source of truth for names and units; values convert into the metric's unit.

import { METRICS, type MetricInfo } from '../metrics/catalog.ts';
import type { ComparisonOp, Expectation } from './types.ts';
import { didYouMean } from './did-you-mean.ts';
import { parseDurationMs, parseFraction, parseRate, type Parsed } from './units.ts';

const UNIT_SUFFIXES = ['Kbps', 'S', 'Ms', 'Ratio', 'Count', 'Db', 'Mos'];

/** The metrics a written name may mean: the key itself, else every key that is the name plus a unit suffix. */
function metricsNamed(name: string): MetricInfo[] {
  const exact = METRICS.find((m) => m.key === name);
  return exact ? [exact] : METRICS.filter((m) => UNIT_SUFFIXES.some((s) => m.key === name + s));
}

/** avgBitrate -> avgBitrateKbps; exact keys win; a name several keys share ("rebuffer") resolves to none. */
export function resolveMetric(name: string): MetricInfo | undefined {
  const found = metricsNamed(name);
  return found.length === 1 ? found[0] : undefined;
}

/** Names a user may write: each key, and each key without its unit suffix when no other key shares it. */
export function writableMetricNames(): string[] {
  const names = new Set<string>();
  for (const m of METRICS) {
    names.add(m.key);
    for (const s of UNIT_SUFFIXES) {
      const stem = m.key.slice(0, -s.length);
      if (m.key.endsWith(s) && m.key.length > s.length && resolveMetric(stem)) names.add(stem);
    }
  }
  return [...names];
}

/** A threshold in the metric's own unit; plain numbers are already in it. */
export function parseThreshold(metric: MetricInfo, text: string): Parsed<number> {
  const t = text.trim();
  const plain = Number(t);
  switch (metric.unit) {
    case 'kbps': {
      if (t !== '' && Number.isFinite(plain)) return { ok: true, value: plain };
      const r = parseRate(t);
      return r.ok ? { ok: true, value: r.value / 1000 } : { ok: false, expected: 'a rate like "1.5Mbps" (a plain number is kbps)' };
    }
    case 's':
    case 'ms': {
      // A plain number is in the metric's unit (parseDurationMs would read it as seconds).
      if (t !== '' && Number.isFinite(plain)) return plain >= 0 ? { ok: true, value: plain } : { ok: false, expected: `a duration >= 0 (a plain number is ${metric.unit})` };
      const d = parseDurationMs(t);
      if (!d.ok) return d;
      return { ok: true, value: metric.unit === 's' ? d.value / 1000 : d.value };
    }
    case 'ratio':
      return parseFraction(t);
    default:
      return t !== '' && Number.isFinite(plain) ? { ok: true, value: plain } : { ok: false, expected: `a number (${metric.unit})` };
  }
}

export interface ExpectIssue {
  path: (string | number)[];
  message: string;
}

/**
 * @param raw the `expect:` map as parsed from YAML
 * @param algorithmKeys algorithm names the scenario lists (keys of per-algorithm blocks)
 * @param lineOf where each entry was written ('file:line')
 */
export function parseExpectations(
  raw: Record<string, unknown>,
  algorithmKeys: readonly string[],
  lineOf: (path: (string | number)[]) => string,
): { expectations: Expectation[]; issues: ExpectIssue[] } {
  const expectations: Expectation[] = [];
  const issues: ExpectIssue[] = [];
  const one = (name: string, value: unknown, algorithm: string | null, path: (string | number)[]) => {
    if (algorithm === null && algorithmKeys.includes(name) && !resolveMetric(name)) {
      issues.push({ path, message: `expected a map of expectations for algorithm "${name}" ({metric: "op value"}), got ${JSON.stringify(value)}` });
      return;
    }
    const metric = resolveMetric(name);
    const several = metricsNamed(name);
    if (several.length > 1) {
      issues.push({ path, message: `expected one metric, got "${name}", which could be ${several.map((m) => m.key).join(', ')}: write the whole key` });
      return;
    }
    if (!metric) {
      issues.push({ path, message: `unknown metric "${name}"${didYouMean(name, [...writableMetricNames(), ...algorithmKeys])}` });
      return;
    }
    const text = String(value);
    const m = /^\s*(<=|>=|==|<|>)\s*(.+)$/.exec(text);
    if (!m) {
      issues.push({ path, message: `expected a comparison like "< 2%" or ">= 1.5Mbps", got ${JSON.stringify(value)}` });
      return;
    }
    const v = parseThreshold(metric, m[2]);
    if (!v.ok) {
      issues.push({ path, message: `expected ${v.expected} after "${m[1]}", got ${JSON.stringify(m[2])}` });
      return;
    }
    expectations.push({ metric: metric.key, op: m[1] as ComparisonOp, value: v.value, algorithm, text: `${name} ${m[1]} ${m[2].trim()}`, where: lineOf(path) });
  };
  for (const [key, value] of Object.entries(raw)) {
    if (value !== null && typeof value === 'object') {
      if (!algorithmKeys.includes(key)) {
        issues.push({
          path: [key],
          message: `a block of expectations must be named after an algorithm of algorithms.abr (${algorithmKeys.join(', ')}), got "${key}"${didYouMean(key, algorithmKeys)}`,
        });
        continue;
      }
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) one(name, v, key, [key, name]);
    } else {
      one(key, value, null, [key]);
    }
  }
  return { expectations, issues };
}
