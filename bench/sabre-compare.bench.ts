// Sabre vs netqoe: the same Sabre network traces and movie manifests through Sabre (Spiteri, Sitaraman,
// Sparacio, MMSys 2018; github.com/UMass-LIDS/sabre src/sabre.py) and netqoe's simulator (quickScenario +
// runSimScenario), side by side with the ratio netqoe/Sabre. Prints figures; asserts nothing.
//
//   SABRE_PY=/tmp/sabre/sabre.py [SABRE_REPO=/path/to/sabre clone or bare git dir] node bench/sabre-compare.bench.ts
//
// Without SABRE_PY or python3 it prints why and exits 0. SABRE_REPO adds Sabre's own example traces and
// movie (read at run time, never copied into the project). Sabre gets netqoe's buffer size (-b). Rules
// compared, per trace x movie (netqoe's rule of the same name in every row):
// - bola+abn, tput+abn: Sabre's `-a bola` and `-a throughput` as they come (they abandon downloads);
// - bola, throughput: the same with -noa (netqoe has no abandonment); bola -ab: Sabre's fixed-V BOLA.
//   Sabre's rules are not netqoe's (see ALGORITHM_NOTES), so these rows differ by algorithm too.
// - bola=, throughput=: netqoe's own rule, written as a Sabre ABR module (a temporary .py file this script
//   writes), vs netqoe: the same rule in both simulators, so any gap is the simulators' semantics.
// Figures: avg bitrate = mean nominal bitrate over segments (Sabre: "total played bitrate" / segments; its
// "time average played bitrate" also divides by stalls and startup), rebuffer s, stall count, switches
// (consecutive segments at different rungs; Sabre's from its -v log), startup = first request to playback.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { getAbr } from '../algorithms/abr/registry.ts';
import { projectRoot } from '../harness/cli/project.ts';
import { runSimScenario } from '../harness/run/run-sim.ts';
import { quickScenario } from '../harness/scenario/parse.ts';

const ALGORITHM_NOTES = [
  "+abn rows: Sabre's defaults, which abandon a download that falls behind; netqoe's ABR interface has no",
  '  abandonment, so the other rows turn it off (-noa).',
  "Sabre's `bola` is not BOLA-BASIC: its V shrinks near the start and end of the video (buffer target",
  '  min(max, max(3, min(i, N-i)/2) segments)) and an upward switch is capped at one rung above its',
  "  throughput rule (BOLA-U); netqoe's bola is BOLA-BASIC with a fixed V. `-ab` fixes Sabre's V (and turns",
  '  abandonment off) but keeps the BOLA-U cap, so it is the closest built-in.',
  "Sabre's `throughput` is an EWMA (half-lives 3 s and 8 s, the lower of the two) x 0.9 with the latency",
  "  taken from the segment time, plus the insufficient-buffer rule; netqoe's is the harmonic mean of the",
  '  last 5 samples x 0.9. The EWMA is the big difference (Sabre with -ma sliding -ws 5 is much closer).',
  'Stall counts: Sabre counts a buffer that runs dry by a floating-point residue (~1e-12 ms) as a stall;',
  '  netqoe counts stalls longer than 0.',
];

interface Figures {
  avgKbps: number;
  rebufferS: number;
  stalls: number;
  switches: number;
  startupS: number;
  segments: number;
  note?: string;
}

/** Sabre ABR modules with netqoe's rules (class name = file name, as Sabre's AbrInput loads them). */
const NETQOE_RULES_PY: Record<string, string> = {
  NqBola: `
import math
import __main__ as sabre

class NqBola:
    """netqoe algorithms/abr/bola.ts (BOLA-BASIC, gp 5, V from the buffer capacity, wait above the target)."""
    def __init__(self, config):
        self.gp = 5.0
    def choose(self, level_ms):
        m = sabre.manifest
        seg = m.segment_time
        br = m.bitrates
        u = [math.log(b / br[0]) for b in br]
        q_max = max(2.0, sabre.buffer_size / seg)
        v = (q_max - 1) / (u[-1] + self.gp)
        q = level_ms / seg
        best, quality = None, 0
        for i in range(len(br)):
            s = (v * (u[i] + self.gp) - q) / br[i]
            if best is None or s > best:
                best, quality = s, i
        target = v * (u[-1] + self.gp)
        if q > target + 1e-9:
            return (len(br) - 1, (q - target) * seg)
        return (quality, 0)
    def get_first_quality(self):
        return self.choose(0)[0]
    def get_quality_delay(self, segment_index):
        return self.choose(sabre.get_buffer_level())
    def report_delay(self, delay): pass
    def report_download(self, metrics, is_replacement): pass
    def report_seek(self, where): pass
    def check_abandon(self, progress, buffer_level): return None
`,
  NqThroughput: `
import __main__ as sabre

class NqThroughput:
    """netqoe algorithms/abr/throughput.ts: harmonic mean of the last 5 samples x 0.9, highest rung at or below."""
    def __init__(self, config):
        self.samples = []
        self.seen = None
    def sample(self):
        # Sabre reports the first download to no ABR: read the last download from its globals instead.
        d = getattr(sabre, 'download_metric', None)
        if d is None or d is self.seen:
            return
        self.seen = d
        # netqoe's sample: {SAMPLE}
        self.samples.append(d.downloaded / max({SAMPLE_MS}, 1e-3))
    def get_first_quality(self):
        return 0
    def get_quality_delay(self, segment_index):
        self.sample()
        w = self.samples[-5:]
        if not w:
            return (0, 0)
        target = 0.9 * len(w) / sum(1 / x for x in w)
        br = sabre.manifest.bitrates
        quality = 0
        for i in range(len(br)):
            if br[i] <= target:
                quality = i
            else:
                break
        return (quality, 0)
    def report_delay(self, delay): pass
    def report_download(self, metrics, is_replacement): pass
    def report_seek(self, where): pass
    def check_abandon(self, progress, buffer_level): return None
`,
};

function pythonOk(): string | null {
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3 is not on PATH';
}

/** A file of the Sabre repository (a checkout or a bare git dir), copied to `dir` for Sabre to read. */
function fromSabreRepo(repo: string, path: string, dir: string): string | null {
  const out = join(dir, basename(path));
  if (existsSync(join(repo, path))) {
    writeFileSync(out, readFileSync(join(repo, path)));
    return out;
  }
  const r = spawnSync('git', ['-C', repo, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return null;
  writeFileSync(out, r.stdout);
  return out;
}

function runSabre(sabrePy: string, network: string, movie: string, abrArgs: string[], bufferS: number): Figures {
  const r = spawnSync('python3', [sabrePy, '-n', network, '-m', movie, '-b', String(bufferS), '-v', ...abrArgs], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`sabre ${abrArgs.join(' ')} failed: ${r.stderr.trim().split('\n').at(-1)}`);
  const value = (key: string): number => {
    const m = new RegExp(`^${key}: (\\S+)$`, 'm').exec(r.stdout);
    if (!m) throw new Error(`sabre output lacks "${key}"`);
    return Number(m[1]);
  };
  // -v prints one line per download: "[start-end]  index: q=quality s=..."; abandoned ones say so.
  const quality = new Map<number, number>();
  for (const m of r.stdout.matchAll(/^\[\d+-\d+\]\s+(\d+): q=(\d+) (.*)$/gm)) {
    if (!m[3].includes('ABANDONED')) quality.set(Number(m[1]), Number(m[2]));
  }
  const qs = [...quality.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const manifest = JSON.parse(readFileSync(movie, 'utf8')) as { segment_duration_ms: number; segment_sizes_bits: unknown[] };
  const count = manifest.segment_sizes_bits.length;
  const rebufferS = value('total rebuffer');
  return {
    avgKbps: value('total played bitrate') / count,
    rebufferS,
    stalls: value('total rebuffer events'),
    switches: qs.slice(1).filter((q, i) => q !== qs[i]).length,
    // Play time counts from the first request: the first download (with its latency), the video, the stalls.
    startupS: value('total play time') - (count * manifest.segment_duration_ms) / 1000 - rebufferS,
    segments: qs.length,
  };
}

function runNetqoe(network: string, movie: string, abr: string): Figures & { bufferS: number } {
  const scenario = quickScenario({ traceFile: network, manifestFile: movie, abr: [abr] });
  const r = runSimScenario(scenario, getAbr(abr)!);
  const segments = r.timeline.filter((e) => e.kind === 'segment').length;
  const m = r.metrics;
  return {
    avgKbps: m.avgBitrateKbps,
    rebufferS: m.rebufferS,
    stalls: m.rebufferCount,
    switches: m.switchCount,
    startupS: m.startupDelayS,
    segments,
    bufferS: scenario.media.bufferMaxMs / 1000,
    note: segments < scenario.media.segmentCount ? `netqoe stopped at the scenario end after ${segments}/${scenario.media.segmentCount} segments` : undefined,
  };
}

function ratio(nq: number, sabre: number): string {
  if (sabre === 0) return nq === 0 ? '   =' : '   -';
  return (nq / sabre).toFixed(2).padStart(4);
}

function main(): void {
  const sabrePy = process.env.SABRE_PY;
  if (!sabrePy || !existsSync(sabrePy)) {
    console.log(`skipped: set SABRE_PY to Sabre's src/sabre.py (github.com/UMass-LIDS/sabre)${sabrePy ? `; ${sabrePy} does not exist` : ''}`);
    return;
  }
  const noPython = pythonOk();
  if (noPython) {
    console.log(`skipped: ${noPython}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-sabre-'));
  try {
    for (const [name, text] of Object.entries(NETQOE_RULES_PY)) {
      // netqoe's throughput sample: the download's bits over request-to-last-byte time (latency included).
      const py = text.replace('{SAMPLE_MS}', 'd.time').replace('{SAMPLE}', 'bits / (request to last byte)');
      writeFileSync(join(dir, `${name}.py`), py);
    }
    const sabreTrace = (entries: [number, number, number][]) => entries.map(([d, b, l]) => ({ duration_ms: d, bandwidth_kbps: b, latency_ms: l }));
    const made: Record<string, [number, number, number][]> = {
      // duration ms, kbps, latency ms
      'steps-latency.json': [[20000, 5000, 30], [15000, 1200, 120], [20000, 2500, 60], [10000, 700, 200], [15000, 4000, 40]],
      'outages.json': [[30000, 3000, 50], [8000, 0, 50], [30000, 2000, 80], [6000, 100, 300], [20000, 1500, 60]],
      'stalls.json': [[15000, 4000, 40], [25000, 150, 100], [20000, 2500, 60], [12000, 0, 50], [10000, 1000, 80]],
      'low-3g.json': Array.from({ length: 40 }, (_, i): [number, number, number] => [3000, [600, 1400, 900, 450, 1100][i % 5], 100 + 20 * (i % 3)]),
    };
    const traces = [join(projectRoot, 'scenarios', 'traces', 'example-sabre-network.json')];
    for (const [file, entries] of Object.entries(made)) {
      writeFileSync(join(dir, file), JSON.stringify(sabreTrace(entries)));
      traces.push(join(dir, file));
    }
    const movies = [join(projectRoot, 'scenarios', 'manifests', 'example-movie.json')];
    const repo = process.env.SABRE_REPO;
    if (repo && existsSync(repo) && statSync(repo).isDirectory()) {
      for (const p of ['example/mmsys18/3Glogs/report.2010-09-13_1003CEST.json', 'example/mmsys18/4Glogs/report_bus_0001.json', 'example/mmsys18/hd_fs/trace0000.json']) {
        const f = fromSabreRepo(repo, p, dir);
        if (f) traces.push(f);
        else console.log(`(${p} not found in ${repo})`);
      }
      const bbb = fromSabreRepo(repo, 'example/mmsys18/bbb.json', dir);
      if (bbb) movies.push(bbb);
    } else {
      console.log("(set SABRE_REPO to a clone of UMass-LIDS/sabre to add Sabre's example traces and bbb.json movie)");
    }

    const rules: { label: string; sabre: string[]; netqoe: string }[] = [
      { label: 'bola+abn', sabre: ['-a', 'bola'], netqoe: 'bola' },
      { label: 'bola', sabre: ['-a', 'bola', '-noa'], netqoe: 'bola' },
      { label: 'bola -ab', sabre: ['-a', 'bola', '-ab'], netqoe: 'bola' },
      { label: 'bola=', sabre: ['-a', join(dir, 'NqBola.py')], netqoe: 'bola' },
      { label: 'tput+abn', sabre: ['-a', 'throughput'], netqoe: 'throughput' },
      { label: 'throughput', sabre: ['-a', 'throughput', '-noa'], netqoe: 'throughput' },
      { label: 'throughput=', sabre: ['-a', join(dir, 'NqThroughput.py')], netqoe: 'throughput' },
    ];
    console.log(`Sabre: ${sabrePy}; "=" rows run netqoe's own rule inside Sabre (same rule, both simulators).`);
    console.log('columns: Sabre / netqoe (ratio netqoe/Sabre)');
    const gaps = { bitrate: 0, rebufferS: 0, startupS: 0 };
    for (const movie of movies) {
      for (const trace of traces) {
        console.log(`\n${basename(trace)} x ${basename(movie)}`);
        console.log(
          `${'rule'.padEnd(12)} ${'avg bitrate kbps'.padEnd(24)} ${'rebuffer s'.padEnd(22)} ${'stalls'.padEnd(9)} ${'switches'.padEnd(9)} startup s`,
        );
        for (const rule of rules) {
          const nq = runNetqoe(trace, movie, rule.netqoe);
          const sb = runSabre(sabrePy, trace, movie, rule.sabre, nq.bufferS);
          if (rule.label.endsWith('=')) {
            gaps.bitrate = Math.max(gaps.bitrate, Math.abs(nq.avgKbps / sb.avgKbps - 1));
            gaps.rebufferS = Math.max(gaps.rebufferS, Math.abs(nq.rebufferS - sb.rebufferS));
            gaps.startupS = Math.max(gaps.startupS, Math.abs(nq.startupS - sb.startupS));
          }
          const pair = (a: number, b: number, digits: number, width: number) =>
            `${a.toFixed(digits)}/${b.toFixed(digits)} (${ratio(b, a)})`.padEnd(width);
          console.log(
            `${rule.label.padEnd(12)} ${pair(sb.avgKbps, nq.avgKbps, 0, 24)} ${pair(sb.rebufferS, nq.rebufferS, 2, 22)} ` +
              `${`${sb.stalls}/${nq.stalls}`.padEnd(9)} ${`${sb.switches}/${nq.switches}`.padEnd(9)} ${sb.startupS.toFixed(3)}/${nq.startupS.toFixed(3)}` +
              (nq.note ? `  [${nq.note}]` : ''),
          );
        }
      }
    }
    console.log(
      `\nsame-rule (=) rows, largest gaps: avg bitrate ${(gaps.bitrate * 100).toFixed(2)}% (target <= 10%), ` +
        `rebuffer ${gaps.rebufferS.toFixed(3)} s, startup ${gaps.startupS.toFixed(3)} s`,
    );
    console.log('\nRule differences behind the bola/throughput rows:');
    for (const l of ALGORITHM_NOTES) console.log(`  ${l}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
