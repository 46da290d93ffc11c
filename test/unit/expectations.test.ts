import { describe, expect, it } from 'vitest';
import { evaluateExpectations } from '../../harness/metrics/expectations.ts';
import type { Expectation } from '../../harness/scenario/types.ts';

const exp = (metric: string, op: Expectation['op'], value: number, algorithm: string | null = null): Expectation => ({
  metric, op, value, algorithm, text: `${metric} ${op} ${value}`, where: 'x.yaml:3',
});

describe('evaluateExpectations', () => {
  const metrics = { rebufferRatio: 0.01, avgBitrateKbps: 1500, switchCount: 4 };

  it('checks each comparison', () => {
    const out = evaluateExpectations(
      [exp('rebufferRatio', '<', 0.02), exp('avgBitrateKbps', '>', 1500), exp('avgBitrateKbps', '>=', 1500), exp('switchCount', '==', 4), exp('switchCount', '<=', 3)],
      'bba',
      metrics,
    );
    expect(out.map((o) => o.pass)).toEqual([true, false, true, true, false]);
    expect(out[0]).toEqual({ expr: 'rebufferRatio < 0.02', metric: 'rebufferRatio', actual: 0.01, pass: true, where: 'x.yaml:3' });
  });

  it('keeps only the expectations for this algorithm or for all', () => {
    const out = evaluateExpectations([exp('switchCount', '<', 10, 'bola'), exp('switchCount', '<', 1, 'bba'), exp('switchCount', '<', 5)], 'bba', metrics);
    expect(out.map((o) => o.expr)).toEqual(['switchCount < 1', 'switchCount < 5']);
  });

  it('fails a metric the run did not produce, with actual null', () => {
    const out = evaluateExpectations([exp('vmaf', '>', 80), exp('rebufferS', '<', 1)], 'bba', { ...metrics, rebufferS: Number.NaN });
    expect(out.map((o) => [o.actual, o.pass])).toEqual([
      [null, false],
      [null, false],
    ]);
  });

  it('tolerates float noise in ==', () => {
    expect(evaluateExpectations([exp('x', '==', 0.3)], 'a', { x: 0.1 + 0.2 })[0].pass).toBe(true);
  });
});
