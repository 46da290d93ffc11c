// `netqoe run` and `netqoe compare`: every scenario x algorithm, then results.json, index.html, junit.xml.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { abrNames } from '../../../algorithms/abr/registry.ts';
import { loadIceRestart } from '../../../algorithms/ice-restart/load-user.ts';
import { bweNames, getBwe } from '../../../algorithms/bwe/registry.ts';
import { loadBwe } from '../../../algorithms/bwe/load-user.ts';
import { loadLayerSelector } from '../../../algorithms/layer/load-user.ts';
import { loadScenario, quickScenario } from '../../scenario/parse.ts';
import type { Scenario } from '../../scenario/types.ts';
import { getLayerSelector, layerSelectorNames } from '../../../algorithms/layer/registry.ts';
import { findChromium } from '../../browser/chromium-path.ts';
import { exitCodeForRuns, planMatrix, runLabel, runMatrix } from '../../run/run-matrix.ts';
import { resolveFfmpeg } from '../../media/ffmpeg-path.ts';
import { runLiveScenario } from '../../run/run-live.ts';
import { chooseLiveLinkBackend } from '../../run/live-link-backend.ts';
import type { LinkBackendChoice } from '../../netem/choose-backend.ts';
import type { ResultsFile, RunResult } from '../../run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../run/types.ts';
import { scenarioProvenance } from '../../run/provenance.ts';
import { writeReports } from '../../../reports/write-reports.ts';
import { UserInputError } from '../exit-codes.ts';
import { createProgress } from '../progress.ts';
import { netqoeVersion } from '../project.ts';
import { formatSummaryTable } from '../summary-table.ts';

export interface RunOptions {
  abr?: string[];
  /** Live runs and BWE simulations: estimators (names or files, relative to the current folder) replacing algorithms.bwe. */
  bwe?: string[];
  /** Live runs: SFU layer selectors (names or files, relative to the current folder) replacing algorithms.layer. */
  layer?: string[];
  /** Live runs: ICE-restart policies (names or files, relative to the current folder) replacing each scenario's algorithms.iceRestart. */
  iceRestart?: string[];
  seed?: number;
  out: string;
  json?: boolean;
  trace?: string;
  manifest?: string;
  mode?: 'sim' | 'live';
  /** Live runs: score what each subscriber saw (docs/scoring.md). */
  score?: boolean;
  /** With score: copy every nth displayed frame's pixels (default: harness/media/capture-budget.ts). */
  scoreEvery?: number;
  layout: 'run' | 'compare';
  argv: string[];
}

export async function runCommand(files: string[], opts: RunOptions, log: Logger): Promise<number> {
  if (opts.scoreEvery !== undefined && !opts.score) throw new UserInputError('--score-every applies with --score');
  const scenarios = loadScenarios(files, opts);
  // Hashed now, as the scenarios were just read: results.json then names the inputs the runs used.
  const provenance = new Map(scenarios.map((s) => [s, scenarioProvenance(s, { scenarioFile: !opts.trace })]));
  const liveScenarios: Scenario[] = [];
  const linkChoices = new Map<Scenario, LinkBackendChoice>();
  const simScenarios: Scenario[] = [];
  for (const s of scenarios) {
    const mode = opts.mode ?? s.mode;
    if (mode === 'sim' && s.webrtc) throw new UserInputError(`${s.file}: --mode sim: a webrtc call only runs live (drop --mode sim)`);
    (mode === 'live' ? liveScenarios : simScenarios).push(s);
  }
  await applyAlgorithmOverrides(opts, liveScenarios, simScenarios);
  if (liveScenarios.length) {
    if (opts.abr?.length) throw new UserInputError('--abr applies to simulated streaming runs; a live run chooses layers with algorithms.layer (any ABR as "abr:<name>")');
    const chromium = findChromium();
    if ('missing' in chromium) throw new UserInputError(`live run: ${chromium.missing}`);
    const ffmpeg = opts.score ? resolveFfmpeg() : null;
    if (ffmpeg && 'missing' in ffmpeg) throw new UserInputError(`--score: ${ffmpeg.missing}; ${ffmpeg.fix}`);
    // Each scenario's `link` against this machine, before any run starts (an unusable netem: exit 2).
    for (const s of liveScenarios) linkChoices.set(s, await chooseLiveLinkBackend(s));
  }
  const jobs = await planMatrix(simScenarios, { abrOverride: opts.abr, seed: opts.seed });
  log.info({ runs: jobs.length, liveScenarios: liveScenarios.length }, 'running matrix');
  const progress = createProgress(jobs.length);
  let runs: RunResult[];
  try {
    runs = runMatrix(jobs, {
      seed: opts.seed,
      onRunDone: (done, _total, run) => {
        progress.update(done, `${run.scenario} / ${runLabel(run)}`);
        log.debug({ scenario: run.scenario, ...run.algorithms, wallMs: run.wallMs, status: run.status }, 'run done');
      },
    });
  } finally {
    progress.stop();
  }
  // Live runs: one at a time on the wall clock (each is a whole call of browsers, SFU and relays). Ctrl-C (or
  // SIGTERM) ends the call in progress, which is measured up to then, skips the rest and still writes results;
  // a second one exits at once (browsers are killed and their profiles removed on exit: harness/browser/launch.ts).
  const interrupt = liveScenarios.length ? onInterrupt(log) : null;
  for (const s of liveScenarios) {
    if (interrupt?.signal.aborted) break;
    const liveRuns = await runLiveScenario(s, { seed: opts.seed, signal: interrupt?.signal, log, linkChoice: linkChoices.get(s), ...(opts.score ? { score: opts.scoreEvery !== undefined ? { pixelsEveryNth: opts.scoreEvery } : {} } : {}) });
    for (const run of liveRuns) log.debug({ scenario: run.scenario, ...run.algorithms, wallMs: run.wallMs, status: run.status }, 'live run done');
    runs.push(...liveRuns);
  }

  const results: ResultsFile = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'netqoe', version: netqoeVersion() },
    createdAt: new Date().toISOString(),
    command: ['netqoe', ...opts.argv].join(' '),
    scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, description: s.description, durationMs: s.durationMs, seed: opts.seed ?? s.seed, ...provenance.get(s) })),
    layout: opts.layout,
    runs,
  };
  const outDir = resolve(opts.out);
  mkdirSync(outDir, { recursive: true });
  // results.json first: whatever happens to the report, the measurements are kept.
  const resultsPath = join(outDir, 'results.json');
  writeFileSync(resultsPath, JSON.stringify(results));
  const written = writeReports(results, outDir, { layout: opts.layout });

  if (opts.json) {
    process.stdout.write(JSON.stringify(results) + '\n');
  } else {
    process.stdout.write(formatSummaryTable(runs) + '\n');
    process.stdout.write(`\nresults: ${resultsPath}\nreport:  ${written.html}\njunit:   ${written.junit}\n`);
  }
  // Until here a signal only ends the live run (results and report are written); then the default applies again.
  interrupt?.dispose();
  // Interrupted: what was measured is written above; the exit code says it was cut short (130 SIGINT, 143 SIGTERM).
  if (interrupt?.received) return interrupt.received === 'SIGINT' ? 130 : 143;
  return exitCodeForRuns(runs);
}

/**
 * --bwe, --layer and --ice-restart: each entry is loaded here, before any run or browser starts (an unknown name
 * or a bad file is bad input, exit 2), then replaces the scenarios' lists. A file becomes its absolute path (the
 * runs resolve relative ones against the scenario's folder). --bwe also replaces the estimators of BWE
 * simulations (sim scenarios listing algorithms.bwe): the same estimators, the same meaning.
 */
export async function applyAlgorithmOverrides(
  opts: Pick<RunOptions, 'bwe' | 'layer' | 'iceRestart'>,
  liveScenarios: Scenario[],
  simScenarios: Scenario[],
): Promise<void> {
  const live = 'live runs (mode: live in the scenario, or --mode live)';
  if (opts.bwe?.length) {
    const bweSims = simScenarios.filter((s) => s.algorithms.bwe.length > 0);
    if (!liveScenarios.length && !bweSims.length) throw new UserInputError(`--bwe applies to ${live} and to BWE simulations (scenarios listing algorithms.bwe)`);
    const specs = await loadOverride('--bwe', opts.bwe, async (spec) => (getBwe(spec) ? spec : (await loadBwe(spec, process.cwd()), resolve(spec))));
    for (const s of [...liveScenarios, ...bweSims]) s.algorithms.bwe = [...specs];
  }
  if (opts.layer?.length) {
    if (!liveScenarios.length) throw new UserInputError(`--layer applies to ${live}`);
    const specs = await loadOverride('--layer', opts.layer, async (spec) => (getLayerSelector(spec) ? spec : (await loadLayerSelector(spec, process.cwd()), resolve(spec))));
    for (const s of liveScenarios) s.algorithms.layer = [...specs];
  }
  if (opts.iceRestart?.length) {
    if (!liveScenarios.length) throw new UserInputError(`--ice-restart applies to ${live}`);
    const specs = await loadOverride('--ice-restart', opts.iceRestart, async (spec) => {
      const loaded = await loadIceRestart(spec, process.cwd());
      return loaded.factory.name === spec ? spec : loaded.file;
    });
    for (const s of liveScenarios) s.algorithms.iceRestart = [...specs];
  }
}

/** Each entry through `load`; a loader's error becomes bad input prefixed with the flag. */
async function loadOverride(flag: string, entries: string[], load: (spec: string) => Promise<string>): Promise<string[]> {
  const specs: string[] = [];
  for (const spec of entries) {
    specs.push(
      await load(spec).catch((err: Error) => {
        throw new UserInputError(`${flag}: ${err.message}`);
      }),
    );
  }
  return specs;
}

/** First SIGINT/SIGTERM: abort (the live run ends and is measured); a second one exits at once. */
function onInterrupt(log: Logger): { signal: AbortSignal; readonly received: NodeJS.Signals | null; dispose(): void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (received !== null) process.exit(sig === 'SIGINT' ? 130 : 143);
    received = sig;
    process.stderr.write(`netqoe: ${sig}: ending the live run and writing what was measured (again to exit at once)\n`);
    log.warn({ signal: sig }, 'interrupted');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function loadScenarios(files: string[], opts: RunOptions): Scenario[] {
  if (opts.trace) {
    if (files.length) throw new UserInputError('--trace runs without a scenario file: give one or the other');
    return [
      quickScenario({ traceFile: opts.trace, manifestFile: opts.manifest, abr: opts.abr ?? ['throughput'], seed: opts.seed }),
    ];
  }
  if (opts.manifest) throw new UserInputError('--manifest goes with --trace');
  if (!files.length) throw new UserInputError('no scenario given: netqoe run <scenario.yaml...> (see `netqoe list scenarios`)');
  return files.map((f) => loadScenario(f, { abrNames: abrNames(), bweNames: bweNames(), layerNames: layerSelectorNames() }));
}
