// How a metric appears in the report: a label from its key, its unit from the catalogue, a number format,
// and the best value among runs when the catalogue says which way is better.
import { metricInfo, METRICS } from '../harness/metrics/catalog.ts';
import type { MetricUnit } from '../harness/metrics/catalog.ts';

export interface MetricColumn {
  key: string;
  label: string;
  /** Unit as shown (ratios are shown in %). */
  unitLabel: string;
  better: 'higher' | 'lower' | null;
  description: string;
  format: (v: number) => string;
}

const UNIT_SUFFIX: Partial<Record<MetricUnit, RegExp>> = {
  kbps: /Kbps$/,
  s: /S$/,
  ms: /Ms$/,
  db: /Db$/,
  mos: /Mos$/,
};

/** `avgBitrateKbps` -> `avg bitrate`; the unit goes to its own label. */
export function metricLabel(key: string, unit?: MetricUnit): string {
  const suffix = unit ? UNIT_SUFFIX[unit] : undefined;
  const stem = suffix ? key.replace(suffix, '') : key;
  return stem
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

export function metricColumn(key: string): MetricColumn {
  const info = metricInfo(key);
  if (!info) {
    return { key, label: metricLabel(key), unitLabel: '', better: null, description: key, format: formatGeneric };
  }
  const unitLabel = info.unit === 'ratio' ? '%' : info.unit === 'count' || info.unit === 'score' ? '' : info.unit;
  const digits = info.digits;
  const format = digits === undefined ? formatterFor(info.unit) : (v: number) => v.toFixed(digits);
  return { key, label: metricLabel(key, info.unit), unitLabel, better: info.better, description: info.description, format };
}

function formatterFor(unit: MetricUnit): (v: number) => string {
  switch (unit) {
    case 'kbps':
    case 'ms':
      return (v) => Math.round(v).toLocaleString('en-US');
    case 's':
      return (v) => v.toFixed(2);
    case 'ratio':
      return (v) => (v * 100).toFixed(2);
    case 'count':
      return (v) => String(Math.round(v));
    case 'score':
      return (v) => v.toFixed(1);
    case 'mos':
    case 'db':
      return (v) => v.toFixed(2);
  }
}

function formatGeneric(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** Metric keys present in any run: catalogue order first, then unknown keys alphabetically. */
export function metricKeysPresent(runs: readonly { metrics: Record<string, number> }[]): string[] {
  const present = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics ?? {})) present.add(key);
  const known = METRICS.map((m) => m.key).filter((k) => present.has(k));
  const unknown = [...present].filter((k) => !metricInfo(k)).sort();
  return [...known, ...unknown];
}

/** The best value of a column among the given runs, or null when there is no direction, fewer than two values, or a tie of all. */
export function bestValue(column: MetricColumn, values: readonly (number | undefined)[]): number | null {
  if (!column.better) return null;
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length < 2) return null;
  // All equal: nobody is best, and marking every cell would say nothing.
  if (finite.every((v) => v === finite[0])) return null;
  return column.better === 'higher' ? Math.max(...finite) : Math.min(...finite);
}

/** The metric key an expectation refers to: `avgBitrate` and `avgBitrateKbps` both mean avgBitrateKbps. */
export function expectationMetricKey(metric: string, keys: readonly string[]): string | undefined {
  if (keys.includes(metric)) return metric;
  return keys.find((k) => {
    const info = metricInfo(k);
    const suffix = info ? UNIT_SUFFIX[info.unit] : undefined;
    return suffix !== undefined && k.replace(suffix, '') === metric;
  });
}
