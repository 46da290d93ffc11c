// The plain-text summary after a run: the live table's scored columns (VMAF, glass-to-glass).
import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../harness/cli/summary-table.ts';
import type { RunResult } from '../../harness/run/types.ts';

function liveRun(layer: string, metrics: Record<string, number>): RunResult {
  return {
    scenario: 'call',
    scenarioFile: 'call.yaml',
    mode: 'live',
    seed: 1,
    algorithms: { layer },
    status: 'ok',
    metrics: { avgReceivedKbps: 900, ...metrics },
    expectations: [],
    timeline: [],
    wallMs: 1000,
  };
}

/** The table's header and each row split into cells (by the two-space column gap). */
function cells(table: string): { header: string[]; rows: string[][] } {
  const lines = table.split('\n');
  const split = (l: string) => l.trim().split(/ {2,}/);
  return { header: split(lines[0]), rows: lines.slice(2).map(split) };
}

describe('formatSummaryTable: live scores', () => {
  it('adds VMAF and glass-to-glass columns when a live run has them, with - for a run without', () => {
    const t = cells(formatSummaryTable([liveRun('highest-fit', { vmaf: 87.46, glassToGlassMs: 143.6 }), liveRun('forced', {})]));
    const vmaf = t.header.indexOf('VMAF');
    const g2g = t.header.indexOf('g2g ms');
    expect(vmaf).toBeGreaterThan(t.header.indexOf('recv kbps'));
    expect(g2g).toBe(vmaf + 1);
    expect(t.header.at(-1)).toBe('expect');
    expect([t.rows[0][vmaf], t.rows[0][g2g]]).toEqual(['87.5', '144']);
    expect([t.rows[1][vmaf], t.rows[1][g2g]]).toEqual(['-', '-']);
  });

  it('shows only the metric some run has; neither column without scoring', () => {
    const onlyG2g = cells(formatSummaryTable([liveRun('highest-fit', { glassToGlassMs: 80 })]));
    expect(onlyG2g.header).not.toContain('VMAF');
    expect(onlyG2g.rows[0][onlyG2g.header.indexOf('g2g ms')]).toBe('80');
    const unscored = formatSummaryTable([liveRun('highest-fit', {})]);
    expect(unscored).not.toMatch(/VMAF|g2g/);
    expect(cells(unscored).header).toContain('recv kbps');
  });
});
