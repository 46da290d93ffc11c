// Provenance for results.json: the scenario file's text and hash, and the hash of every trace and manifest it
// reads, so a results file can be traced to (and rerun on) the exact inputs that produced it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Scenario } from '../scenario/types.ts';
import type { ScenarioProvenance } from './types.ts';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The trace and manifest files a scenario reads (absolute, each once, in the order the scenario names them). */
export function scenarioInputFiles(scenario: Scenario): string[] {
  const files: string[] = [];
  for (const phase of scenario.network) {
    for (const dir of [phase.down, phase.up]) if (dir.capacity.kind === 'trace') files.push(resolve(dir.capacity.trace.file));
  }
  if (scenario.media.manifestFile) files.push(resolve(scenario.media.manifestFile));
  return [...new Set(files)];
}

/**
 * The scenario's provenance. `scenarioFile` false: the scenario was built from command-line files (--trace),
 * there is no scenario text. Paths are as the command line would name them: relative to `cwd` when inside it.
 */
export function scenarioProvenance(scenario: Scenario, opts: { scenarioFile: boolean; cwd?: string } = { scenarioFile: true }): ScenarioProvenance {
  const cwd = opts.cwd ?? process.cwd();
  const shown = (abs: string) => {
    const rel = relative(cwd, abs);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  };
  const inputs = scenarioInputFiles(scenario).map((f) => ({ path: shown(f), sha256: sha256Hex(readFileSync(f)) }));
  if (!opts.scenarioFile) return { inputs };
  const bytes = readFileSync(scenario.file);
  return { sha256: sha256Hex(bytes), source: bytes.toString('utf8'), inputs };
}
