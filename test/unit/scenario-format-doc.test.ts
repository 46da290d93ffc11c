// docs/scenario-format.md stays true to the parser: every YAML example in it parses, and its tables of
// presets and units agree with the code.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abrNames } from '../../algorithms/abr/registry.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import { PRESETS } from '../../harness/scenario/presets.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const doc = readFileSync(resolve(ROOT, 'docs/scenario-format.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

const PHASE = '  - name: base\n    at: 0s\n    down: 5Mbps\n    up: 1Mbps\n';
const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);

/** A whole scenario around an example: a full one as is, a fragment where it belongs. */
function asScenario(example: string): string {
  const first = example.trimStart();
  if (/^duration:|^name:/m.test(example) && /^network:/m.test(example)) return example;
  if (first.startsWith('network:')) return `duration: 180s\n${example}`;
  if (first.startsWith('- ')) {
    const target = example.includes('type: handover') ? '  - {name: lte, preset: lte}\n' : '';
    return `duration: 180s\nnetwork:\n${PHASE}${target}events:\n${indent(example, '  ')}`;
  }
  if (/^(down|up):/.test(first)) return `duration: 180s\nnetwork:\n  - at: 0s\n    up: 1Mbps\n${indent(example, '    ')}`;
  // media:, algorithms:, expect: blocks (expect names robust-mpc, so list it).
  const algorithms = first.startsWith('expect:') ? 'algorithms:\n  abr: [throughput, robust-mpc]\n' : '';
  return `duration: 180s\nnetwork:\n${PHASE}${algorithms}${example}`;
}

describe('docs/scenario-format.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  examples.forEach((example, i) => {
    it(`example ${i + 1} parses (${example.split('\n')[0]})`, () => {
      const text = asScenario(example);
      // Algorithm files in examples (./my-abr.ts) are not shipped next to scenarios/: leave them out.
      const s = parseScenarioText(text.replace(', ./my-abr.ts', ''), resolve(ROOT, 'scenarios/doc-example.yaml'), { abrNames: abrNames() });
      expect(s.network.length).toBeGreaterThan(0);
    });
  });

  it('the preset table has every preset with its numbers', () => {
    const mbps = (bps: number) => (bps >= 1e6 ? `${bps / 1e6} Mbps` : `${bps / 1e3} kbps`);
    for (const p of PRESETS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${p.name}\` |`));
      expect(row, p.name).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells.slice(2, 8)).toEqual([
        mbps(p.down.bps),
        mbps(p.up.bps),
        `${p.down.delayMs * 2} ms`,
        `${p.down.jitterMs} ms`,
        p.down.lossRate ? `${p.down.lossRate * 100}%` : '0',
        `${p.queue.limit} ms`,
      ]);
      expect(p.source).toContain(cells[8].slice(0, 40));
    }
  });
});
