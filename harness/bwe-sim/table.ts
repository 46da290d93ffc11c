// A plain-text table of BWE runs: one row per scenario x estimator, the scores side by side.

import type { RunResult } from '../run/types.ts';

const COLUMNS: { title: string; width: number; cell: (r: RunResult) => string }[] = [
  { title: 'scenario', width: 26, cell: (r) => r.scenario },
  { title: 'estimator', width: 16, cell: (r) => r.algorithms.bwe ?? '?' },
  { title: 'util %', width: 7, cell: (r) => fmt(r.metrics.utilisationRatio, 100, 1) },
  { title: 'p95 queue ms', width: 12, cell: (r) => fmt(r.metrics.queueDelayP95Ms, 1, 1) },
  { title: 'loss %', width: 7, cell: (r) => fmt(r.metrics.lossRatio, 100, 2) },
  { title: 'MMSys /70', width: 9, cell: (r) => fmt(r.metrics.mmsysNetworkScore, 1, 1) },
  { title: 'delivered kbps', width: 14, cell: (r) => fmt(r.metrics.avgDeliveredKbps, 1, 0) },
  { title: 'target kbps', width: 11, cell: (r) => fmt(r.metrics.avgTargetKbps, 1, 0) },
];

function fmt(v: number | undefined, scale: number, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '-' : (v * scale).toFixed(digits);
}

/** Text columns left-aligned, numbers right-aligned; a crashed run shows its error instead of scores. */
export function formatBweTable(runs: readonly RunResult[]): string {
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(COLUMNS[i].width) : c.padStart(COLUMNS[i].width))).join('  ');
  const out = [line(COLUMNS.map((c) => c.title)), COLUMNS.map((c) => '-'.repeat(c.width)).join('  ')];
  for (const r of runs) {
    if (r.status === 'crashed') {
      out.push(`${line([COLUMNS[0].cell(r), COLUMNS[1].cell(r)])}  crashed: ${(r.error ?? '').split('\n')[0]}`);
      continue;
    }
    out.push(line(COLUMNS.map((c) => c.cell(r))));
  }
  return out.join('\n');
}
