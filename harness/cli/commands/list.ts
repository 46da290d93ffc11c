// `netqoe list scenarios|algorithms|presets`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ABR_REGISTRY } from '../../../algorithms/abr/registry.ts';
import { BWE_REGISTRY } from '../../../algorithms/bwe/registry.ts';
import { ICE_RESTART_REGISTRY } from '../../../algorithms/ice-restart/registry.ts';
import { LAYER_SELECTOR_REGISTRY } from '../../../algorithms/layer/registry.ts';
import { loadScenario } from '../../scenario/parse.ts';
import { PRESET_TABLE } from '../../scenario/presets.ts';
import { UserInputError } from '../exit-codes.ts';
import { projectRoot } from '../project.ts';
import { suggest } from '../../scenario/did-you-mean.ts';

const WHAT = ['scenarios', 'algorithms', 'presets'] as const;

export function listCommand(what: string): number {
  switch (what) {
    case 'scenarios': {
      // Top-level scenarios, then one level of folders (scenarios/bwe: the BWE test cases).
      const root = join(projectRoot, 'scenarios');
      const dirs = ['', ...readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'traces' && d.name !== 'manifests').map((d) => d.name).sort()];
      for (const sub of dirs) {
        for (const f of readdirSync(join(root, sub)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort()) {
          const s = loadScenario(join(root, sub, f));
          process.stdout.write(`${join('scenarios', sub, f).padEnd(44)} ${s.description}\n`);
        }
      }
      return 0;
    }
    case 'algorithms':
      process.stdout.write('ABR (--abr NAME, or a file: --abr ./my-abr.ts)\n');
      for (const a of ABR_REGISTRY) process.stdout.write(`  ${a.name.padEnd(14)} ${a.description}\n  ${''.padEnd(14)} source: ${a.source}\n`);
      process.stdout.write('\nBWE (algorithms.bwe in a scenario, or a file: ./my-bwe.ts)\n');
      for (const b of BWE_REGISTRY) process.stdout.write(`  ${b.name.padEnd(14)} ${b.description}\n  ${''.padEnd(14)} source: ${b.source}\n`);
      process.stdout.write('\nSFU layer selectors (algorithms.layer in a live scenario; any ABR as abr:<name>)\n');
      for (const l of LAYER_SELECTOR_REGISTRY) process.stdout.write(`  ${l.name.padEnd(14)} ${l.description}\n  ${''.padEnd(14)} source: ${l.source}\n`);
      process.stdout.write('\nICE-restart policies (algorithms.iceRestart in a live scenario, or --ice-restart NAME; a file: ./my-policy.ts)\n');
      for (const p of ICE_RESTART_REGISTRY) process.stdout.write(`  ${p.name.padEnd(14)} ${p.description}\n  ${''.padEnd(14)} source: ${p.source}\n`);
      return 0;
    case 'presets':
      for (const p of PRESET_TABLE) process.stdout.write(`${p.name.padEnd(16)} ${p.summary}\n${''.padEnd(16)} source: ${p.source}\n`);
      return 0;
    default: {
      const hint = suggest(what, WHAT);
      throw new UserInputError(`netqoe list: expected one of ${WHAT.join(', ')}, got "${what}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
}
