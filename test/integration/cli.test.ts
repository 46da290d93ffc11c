// The `netqoe` command as a user runs it: files written, summary, exit codes 0/1/2/3.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../harness/run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsFile;

describe('netqoe run', () => {
  it('runs the README main job: six algorithms on the handover scenario, all files written, exit 0', () => {
    const out = tempDir();
    const r = runCli(['run', 'scenarios/wifi-to-4g-handover.yaml', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = readResults(out);
    expect(results.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    expect(results.runs.map((x) => x.algorithms.abr)).toEqual(['throughput', 'bola', 'bba', 'robust-mpc', 'seed-dash', 'seed-netflix']);
    for (const run of results.runs) {
      expect(run.status).toBe('ok');
      for (const k of ['avgBitrateKbps', 'rebufferRatio', 'rebufferS', 'rebufferCount', 'startupDelayS', 'switchCount', 'qoeLinear', 'networkScore']) {
        expect(run.metrics[k], `${run.algorithms.abr} ${k}`).toBeTypeOf('number');
      }
      expect(run.expectations.length).toBeGreaterThan(0);
      expect(run.timeline.some((e) => e.kind === 'segment')).toBe(true);
      expect(run.timeline.some((e) => e.kind === 'network' && e.type === 'handover')).toBe(true);
    }
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<testsuite');
    // The summary table names every algorithm.
    for (const a of ['throughput', 'bola', 'bba', 'robust-mpc', 'seed-dash', 'seed-netflix']) expect(r.stdout).toContain(a);
  });

  it('exits 1 when an expectation fails (the CI gate), and says which', () => {
    const out = tempDir();
    const r = runCli(['run', 'scenarios/step-down-up.yaml', '--abr', './test/fixtures/greedy-abr.ts', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/greedy: expected rebufferRatio < 2%, got [\d.]+ \(.*step-down-up\.yaml:\d+\)/);
    const run = readResults(out).runs[0];
    expect(run.expectations.find((e) => e.metric === 'rebufferRatio')?.pass).toBe(false);
  });

  it('exits 3 when a run crashes, and still writes the other runs', () => {
    const out = tempDir();
    const r = runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'bba,./test/fixtures/crashing-abr.ts,bola', '--out', out]);
    expect(r.code).toBe(3);
    const runs = readResults(out).runs;
    expect(runs.map((x) => x.status)).toEqual(['ok', 'crashed', 'ok']);
    expect(runs[1].error).toContain('deliberate failure at segment 2');
    expect(runs[0].metrics.avgBitrateKbps).toBeGreaterThan(0);
    expect(r.stdout).toContain('CRASHED');
  });

  it('exits 2 on bad input, naming file, line and field, before running anything', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['name: bad', 'duration: 60s', 'network:', '  - at: 0s', '    down: 5Mbps', '    up: 1Mbps', '    dalay: 20ms', ''].join('\n'));
    const r = runCli(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:7 network[0].dalay: unknown key (did you mean "delay"?)`);
    expect(existsSync(join(dir, 'out', 'results.json'))).toBe(false);
  });

  it('exits 2 on an unknown algorithm with did-you-mean, and on a bad flag', () => {
    const r = runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'robustmpc', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/robustmpc.*did you mean "robust-mpc"/);
    const f = runCli(['run', 'scenarios/step-down-up.yaml', '--seed', 'abc']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("option '--seed <n>' argument 'abc' is invalid");
    expect(runCli(['run', '--bogus']).code).toBe(2);
    const every = runCli(['run', 'scenarios/live/sfu-downlink-drop.yaml', '--score', '--score-every', '0']);
    expect(every.code).toBe(2);
    expect(every.stderr).toContain("option '--score-every <n>' argument '0' is invalid");
    const alone = runCli(['run', 'scenarios/live/sfu-downlink-drop.yaml', '--score-every', '3', '--out', tempDir()]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--score-every applies with --score');
  });

  it('runs a BWE scenario like any other: one run per estimator, BWE metrics, the gate on gcc', () => {
    const out = tempDir();
    const r = runCli(['run', 'scenarios/bwe/step-profile.yaml', '--out', out]);
    expect(r.code).toBe(0);
    const runs = readResults(out).runs;
    expect(runs.map((x) => x.algorithms.bwe)).toEqual(['gcc', 'seed-smooth', 'seed-jitter-cap']);
    const gcc = runs[0];
    expect(gcc.metrics.utilisationRatio).toBeGreaterThan(0.85);
    expect(gcc.expectations.map((e) => e.pass)).toEqual([true, true]);
    expect(gcc.timeline.some((e) => e.kind === 'bwe')).toBe(true);
    expect(r.stdout).toMatch(/step-profile\s+gcc\s+\d/);
  });

  it('runs a trace and a manifest without a scenario file', () => {
    const out = tempDir();
    const r = runCli(['run', '--trace', 'scenarios/traces/example-sabre-network.json', '--manifest', 'scenarios/manifests/example-movie.json', '--abr', 'bola,bba', '--out', out]);
    expect(r.code).toBe(0);
    const results = readResults(out);
    expect(results.runs).toHaveLength(2);
    // Every one of the manifest's 60 segments is downloaded at one of its sizes.
    const segs = results.runs[0].timeline.filter((e) => e.kind === 'segment');
    expect(segs).toHaveLength(60);
    // No scenario file: no scenario text, but both files it read, hashed.
    expect(results.scenarios[0].source).toBeUndefined();
    expect(results.scenarios[0].inputs?.map((i) => i.path)).toEqual(['scenarios/traces/example-sabre-network.json', 'scenarios/manifests/example-movie.json']);
  });

  it('--json prints results.json on stdout; --seed replaces the scenario seed and is deterministic', () => {
    const a = runCli(['run', 'scenarios/congested-wifi.yaml', '--abr', 'bba', '--seed', '9', '--json', '--out', tempDir()]);
    const b = runCli(['run', 'scenarios/congested-wifi.yaml', '--abr', 'bba', '--seed', '9', '--json', '--out', tempDir()]);
    const ra = JSON.parse(a.stdout) as ResultsFile;
    const rb = JSON.parse(b.stdout) as ResultsFile;
    expect(ra.runs[0].seed).toBe(9);
    expect(ra.runs[0].metrics).toEqual(rb.runs[0].metrics);
  });
});

describe('netqoe logging', () => {
  it('is quiet by default and logs pino JSON on stderr with --verbose', () => {
    const quiet = runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'bba', '--out', tempDir()]);
    expect(quiet.stderr).toBe('');
    const loud = runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'bba,bola', '--out', tempDir(), '--verbose']);
    const lines = loud.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; name: string; abr?: string });
    expect(lines.every((l) => l.name === 'netqoe')).toBe(true);
    expect(lines.filter((l) => l.msg === 'run done').map((l) => l.abr)).toEqual(['bba', 'bola']);
  });
});

describe('netqoe validate, list, report', () => {
  it('validate accepts every shipped scenario and rejects a bad one with exit 2', () => {
    const ok = runCli(['validate', 'scenarios/wifi-to-4g-handover.yaml', 'scenarios/lte-driving.yaml', 'scenarios/3g-jitter-loss.yaml', 'scenarios/congested-wifi.yaml', 'scenarios/step-down-up.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.match(/^ok /gm)).toHaveLength(5);
    const dir = tempDir();
    const file = join(dir, 'x.yaml');
    writeFileSync(file, 'duration: 60s\nnetwork:\n  - at: 0s\n    down: 5Mbps\n    up: 1Mbps\n    loss: 12x\n');
    const bad = runCli(['validate', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}:6 network[0].loss: expected`);
    expect(bad.stderr).toContain('got "12x"');
  });

  it('list prints scenarios, algorithms with sources, presets', () => {
    expect(runCli(['list', 'scenarios']).stdout).toContain('scenarios/wifi-to-4g-handover.yaml');
    const algos = runCli(['list', 'algorithms']).stdout;
    for (const a of ['throughput', 'bola', 'bba', 'robust-mpc', 'seed-dash', 'seed-netflix']) expect(algos).toContain(a);
    expect(algos).toContain('INFOCOM 2016');
    // The ICE-restart policies, each with its one-line source.
    const ice = algos.slice(algos.indexOf('ICE-restart policies'));
    for (const [name, source] of [
      ['seed-resilient', 'REFERENCE-NOTES.md'],
      ['immediate', 'restartIce()'],
      ['backoff', 'Exponential Backoff And Jitter'],
      ['none', 'browser defaults'],
    ]) expect(ice).toMatch(new RegExp(`\\n  ${name} +.*\\n +source: .*${source.replace(/[()]/g, '\\$&')}`));
    expect(runCli(['list', 'presets']).stdout).toMatch(/satellite .*RTT 600 ms/);
    const bad = runCli(['list', 'algoritms']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "algorithms"');
  });

  it('run --ice-restart: an unknown policy or a missing file is bad input (exit 2) before anything starts; sim runs refuse it', () => {
    const out = tempDir();
    const unknown = runCli(['run', 'test/fixtures/handover-live.yaml', '--ice-restart', 'seed-resilent', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--ice-restart: unknown ICE-restart policy "seed-resilent" (did you mean "seed-resilient"?)');
    const missing = runCli(['run', 'test/fixtures/handover-live.yaml', '--ice-restart', './no-such-policy.ts', '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('./no-such-policy.ts: policy file not found');
    const sim = runCli(['run', 'scenarios/step-down-up.yaml', '--ice-restart', 'none', '--out', out]);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain('--ice-restart applies to live runs');
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  it('run --bwe/--layer: bad entries are exit 2 before any browser starts, nothing written; --bwe replaces a BWE simulation\'s estimators', () => {
    const out = tempDir();
    const unknown = runCli(['run', 'test/fixtures/handover-live.yaml', '--bwe', 'seed-smoth', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--bwe: unknown bandwidth estimator "seed-smoth" (did you mean "seed-smooth"?)');
    const missing = runCli(['run', 'test/fixtures/handover-live.yaml', '--layer', './no-such-selector.ts', '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('./no-such-selector.ts: layer selector file not found');
    const layerSim = runCli(['run', 'scenarios/bwe/step-profile.yaml', '--layer', 'highest-fit', '--out', out]);
    expect(layerSim.code).toBe(2);
    expect(layerSim.stderr).toContain('--layer applies to live runs');
    const bweAbr = runCli(['run', 'scenarios/step-down-up.yaml', '--bwe', 'gcc', '--out', out]);
    expect(bweAbr.code).toBe(2);
    expect(bweAbr.stderr).toContain('--bwe applies to live runs');
    expect(existsSync(join(out, 'results.json'))).toBe(false);

    const sim = runCli(['run', 'scenarios/bwe/step-profile.yaml', '--bwe', 'seed-smooth,test/fixtures/bwe-class.ts', '--out', out]);
    expect(sim.code, sim.stderr).toBe(0);
    const results = readResults(out);
    expect(results.runs.map((r) => r.algorithms.bwe)).toEqual(['seed-smooth', 'fixed-rate']);
    expect(results.runs.every((r) => r.status === 'ok')).toBe(true);
  });

  it('report rebuilds index.html and junit.xml from results.json alone', () => {
    const out = tempDir();
    expect(runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'bba', '--out', out]).code).toBe(0);
    const rebuilt = tempDir();
    const r = runCli(['report', join(out, 'results.json'), '--out', rebuilt, '--layout', 'compare']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(rebuilt, 'index.html'), 'utf8')).toContain('step-down-up');
    const bad = runCli(['report', join(out, 'index.html')]);
    expect(bad.code).toBe(2);
  });

  it('results.json records its scenarios\' provenance and the layout; report rebuilds that layout unless --layout says otherwise', () => {
    const out = tempDir();
    expect(runCli(['compare', 'scenarios/lte-driving.yaml', '--abr', 'bba,bola', '--out', out]).code).toBe(0);
    const results = readResults(out);
    expect(results.layout).toBe('compare');
    const [s] = results.scenarios;
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(s.sha256).toBe(sha('scenarios/lte-driving.yaml'));
    expect(s.source).toBe(readFileSync('scenarios/lte-driving.yaml', 'utf8'));
    expect(s.inputs).toEqual(['down', 'up'].map((d) => ({ path: `scenarios/traces/ATT-LTE-driving-2016.${d}`, sha256: sha(`scenarios/traces/ATT-LTE-driving-2016.${d}`) })));
    const layoutOf = (dir: string) => /<body data-layout="(\w+)"/.exec(readFileSync(join(dir, 'index.html'), 'utf8'))?.[1];
    expect(layoutOf(out)).toBe('compare');
    const rebuilt = tempDir();
    expect(runCli(['report', join(out, 'results.json'), '--out', rebuilt]).code).toBe(0);
    expect(layoutOf(rebuilt)).toBe('compare');
    expect(runCli(['report', join(out, 'results.json'), '--out', rebuilt, '--layout', 'run']).code).toBe(0);
    expect(layoutOf(rebuilt)).toBe('run');
    // A results file from before the layout was recorded: 'run', as before.
    const { layout: _dropped, ...older } = results;
    writeFileSync(join(rebuilt, 'results.json'), JSON.stringify(older));
    expect(runCli(['report', join(rebuilt, 'results.json'), '--out', rebuilt]).code).toBe(0);
    expect(layoutOf(rebuilt)).toBe('run');
    // run records 'run'.
    const runOut = tempDir();
    expect(runCli(['run', 'scenarios/step-down-up.yaml', '--abr', 'bba', '--out', runOut]).code).toBe(0);
    expect(readResults(runOut).layout).toBe('run');
    expect(readResults(runOut).scenarios[0].inputs).toEqual([]);
  });
});
