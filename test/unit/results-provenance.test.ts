// results.json provenance: the scenario file's hash and text, and the hash of each trace and manifest it reads.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioInputFiles, scenarioProvenance } from '../../harness/run/provenance.ts';
import { loadScenario, quickScenario } from '../../harness/scenario/parse.ts';

const root = join(import.meta.dirname, '..', '..');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function scenarioWithTraceAndManifest(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-prov-'));
  copyFileSync(join(root, 'scenarios/traces/TMobile-UMTS-driving.down'), join(dir, 'cap.down'));
  copyFileSync(join(root, 'scenarios/manifests/example-movie.json'), join(dir, 'movie.json'));
  const file = join(dir, 'prov.yaml');
  writeFileSync(
    file,
    `# provenance fixture\nname: prov\nduration: 20s\nnetwork:\n  - name: a\n    at: 0s\n    down: {trace: cap.down}\n    up: {trace: cap.down, offset: 5s}\n    delay: 20ms\n` +
      `  - name: b\n    at: 10s\n    down: 2Mbps\n    up: 1Mbps\n    delay: 20ms\nmedia:\n  manifest: movie.json\nalgorithms:\n  abr: [bba]\n`,
  );
  return { dir, file };
}

describe('scenarioProvenance', () => {
  it('hashes the scenario file and keeps its text; lists each trace and manifest once with its hash, relative to cwd when inside it', () => {
    const { dir, file } = scenarioWithTraceAndManifest();
    const s = loadScenario(file);
    const p = scenarioProvenance(s, { scenarioFile: true, cwd: dir });
    expect(p.sha256).toBe(sha(file));
    expect(p.source).toBe(readFileSync(file, 'utf8'));
    expect(p.inputs).toEqual([
      { path: 'cap.down', sha256: sha(join(dir, 'cap.down')) },
      { path: 'movie.json', sha256: sha(join(dir, 'movie.json')) },
    ]);
    // Outside cwd: absolute paths.
    expect(scenarioProvenance(s, { scenarioFile: true, cwd: root }).inputs.map((i) => i.path)).toEqual([join(dir, 'cap.down'), join(dir, 'movie.json')]);
    // A changed input changes its hash.
    writeFileSync(join(dir, 'movie.json'), readFileSync(join(dir, 'movie.json'), 'utf8') + '\n');
    expect(scenarioProvenance(s, { scenarioFile: true, cwd: dir }).inputs[1].sha256).not.toBe(p.inputs[1].sha256);
  });

  it('a shipped scenario without traces has no inputs; a --trace run has inputs but no scenario text', () => {
    expect(scenarioInputFiles(loadScenario(join(root, 'scenarios/step-down-up.yaml')))).toEqual([]);
    const trace = join(root, 'scenarios/traces/example-sabre-network.json');
    const manifest = join(root, 'scenarios/manifests/example-movie.json');
    const p = scenarioProvenance(quickScenario({ traceFile: trace, manifestFile: manifest, abr: ['bba'] }), { scenarioFile: false, cwd: root });
    expect(p).toEqual({ inputs: [{ path: 'scenarios/traces/example-sabre-network.json', sha256: sha(trace) }, { path: 'scenarios/manifests/example-movie.json', sha256: sha(manifest) }] });
  });
});
