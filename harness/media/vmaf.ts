// VMAF (Netflix libvmaf through ffmpeg's libvmaf filter), PSNR and SSIM (ffmpeg's psnr/ssim filters) per frame of
// two inputs, in one ffmpeg pass. Model: an option, else NETQOE_VMAF_MODEL, else the copy shipped in vmaf-models/.
// Without libvmaf in the ffmpeg at hand: PSNR/SSIM only, and the reason.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool, spawnFfmpeg } from './ffmpeg-run.ts';

export const SHIPPED_MODEL_DIR = fileURLToPath(new URL('./vmaf-models/', import.meta.url));

/** Which libvmaf API the ffmpeg exposes: 1.x takes model_path=<pkl>, 2.x takes model=path=<json>. */
export type LibvmafApi = 'v1' | 'v2';

export interface VmafSupport {
  ok: boolean;
  api: LibvmafApi | null;
  /** Why VMAF is not available (null when ok). */
  reason: string | null;
}

const supportCache = new Map<string, Promise<VmafSupport>>();

/** Whether this ffmpeg has the libvmaf filter, and which option syntax it takes. */
export function libvmafSupport(ffmpegPath: string): Promise<VmafSupport> {
  let p = supportCache.get(ffmpegPath);
  if (!p) {
    p = (async (): Promise<VmafSupport> => {
      const r = await runTool(ffmpegPath, ['-hide_banner', '-h', 'filter=libvmaf'], 5000, 16 * 1024 * 1024);
      const text = r.stdout + r.stderr;
      if (!/Filter libvmaf/.test(text)) return { ok: false, api: null, reason: `${ffmpegPath} was built without libvmaf (no libvmaf filter)` };
      // libvmaf 2.x filters have a "model" option (model=path=...); 1.x only model_path.
      const api: LibvmafApi = /^\s+model\s+<string>/m.test(text) ? 'v2' : 'v1';
      return { ok: true, api, reason: null };
    })();
    supportCache.set(ffmpegPath, p);
  }
  return p;
}

/** The model file to use: explicit, then NETQOE_VMAF_MODEL, then the shipped one for this libvmaf API. */
export function vmafModelPath(api: LibvmafApi, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.NETQOE_VMAF_MODEL;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`VMAF model ${chosen}${explicit ? '' : ' (NETQOE_VMAF_MODEL)'} does not exist`);
    return chosen;
  }
  return join(SHIPPED_MODEL_DIR, api === 'v1' ? 'vmaf_v0.6.1.pkl' : 'vmaf_v0.6.1.json');
}

/** ffmpeg filter option values escape ':' and '\' (paths are the only free text here). */
function esc(path: string): string {
  return path.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");
}

export function libvmafFilter(api: LibvmafApi, modelPath: string, logPath: string, threads: number, subsample: number): string {
  const model = api === 'v1' ? `model_path=${esc(modelPath)}` : `model=path=${esc(modelPath)}`;
  return `libvmaf=${model}:log_path=${esc(logPath)}:log_fmt=json:n_threads=${threads}:n_subsample=${subsample}`;
}

export interface PerFrameScores {
  /** Per frame of the inputs (index = frame number in the pair); vmaf null where not computed. */
  vmaf: (number | null)[] | null;
  psnrDb: number[];
  ssim: number[];
  /** Why vmaf is null (no libvmaf), else null. */
  vmafMissing: string | null;
  model: string | null;
}

export interface FfmpegScoreOptions {
  ffmpegPath: string;
  /** ffmpeg input arguments of the distorted video (e.g. ['-i', 'dist.mp4']) and the reference. */
  distorted: string[];
  reference: string[];
  modelPath?: string;
  /** Compute VMAF on every nth frame only (libvmaf n_subsample). Default 1. */
  vmafSubsample?: number;
  threads?: number;
  /** Skip VMAF even if available (speed). */
  noVmaf?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** PSNR of identical frames is infinite; report a ceiling instead so averages stay finite. */
export const PSNR_CEILING_DB = 100;

export function parsePsnrStats(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /psnr_y:(\S+)/.exec(line);
    if (!m) continue;
    const v = m[1] === 'inf' ? PSNR_CEILING_DB : Number(m[1]);
    out.push(Math.min(PSNR_CEILING_DB, v));
  }
  return out;
}

export function parseSsimStats(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /\bY:(\S+)/.exec(line);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/** Per-frame VMAF from a libvmaf JSON log (1.x and 2.x: frames[].frameNum, frames[].metrics.vmaf). */
export function parseVmafLog(text: string, frames: number): (number | null)[] {
  const log = JSON.parse(text) as { frames?: { frameNum: number; metrics: Record<string, number> }[] };
  const out: (number | null)[] = new Array(frames).fill(null);
  for (const f of log.frames ?? []) if (f.frameNum < frames && typeof f.metrics.vmaf === 'number') out[f.frameNum] = f.metrics.vmaf;
  return out;
}

/** Runs ffmpeg once over the pair: VMAF (if libvmaf), PSNR and SSIM per frame, Y plane. */
export async function scorePair(opts: FfmpegScoreOptions): Promise<PerFrameScores> {
  const support = opts.noVmaf ? { ok: false, api: null, reason: 'VMAF not requested' } : await libvmafSupport(opts.ffmpegPath);
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-score-'));
  try {
    const psnrLog = join(dir, 'psnr.log');
    const ssimLog = join(dir, 'ssim.log');
    const vmafLog = join(dir, 'vmaf.json');
    const withVmaf = support.ok && support.api !== null;
    const model = withVmaf ? vmafModelPath(support.api!, opts.modelPath, opts.env) : null;
    const n = withVmaf ? 3 : 2;
    const splits = `[0:v]split=${n}${range(n).map((i) => `[d${i}]`).join('')};[1:v]split=${n}${range(n).map((i) => `[r${i}]`).join('')}`;
    const parts = [splits, `[d0][r0]psnr=stats_file=${esc(psnrLog)}[o0]`, `[d1][r1]ssim=stats_file=${esc(ssimLog)}[o1]`];
    if (withVmaf) parts.push(`[d2][r2]${libvmafFilter(support.api!, model!, vmafLog, opts.threads ?? 2, opts.vmafSubsample ?? 1)}[o2]`);
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', ...opts.distorted, ...opts.reference, '-filter_complex', parts.join(';')];
    for (let i = 0; i < n; i++) args.push('-map', `[o${i}]`);
    args.push('-f', 'null', '-');
    const r = await spawnFfmpeg(opts.ffmpegPath, args);
    if (r.code !== 0) throw new Error(`ffmpeg scoring failed (exit ${r.code}): ${r.stderr.trim().slice(-800)}`);
    const psnrDb = parsePsnrStats(readFileSync(psnrLog, 'utf8'));
    const ssim = parseSsimStats(readFileSync(ssimLog, 'utf8'));
    const vmaf = withVmaf ? parseVmafLog(readFileSync(vmafLog, 'utf8'), psnrDb.length) : null;
    return { vmaf, psnrDb, ssim, vmafMissing: withVmaf ? null : support.reason, model };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A two-frame self-comparison: whether libvmaf actually computes a score here (for `netqoe doctor`). */
export async function libvmafWorks(ffmpegPath: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; detail: string }> {
  const support = await libvmafSupport(ffmpegPath);
  if (!support.ok) return { ok: false, detail: support.reason! };
  try {
    const src = ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=30:duration=0.1'];
    const s = await scorePair({ ffmpegPath, distorted: src, reference: src, env });
    const v = s.vmaf?.find((x) => x !== null);
    if (v === undefined || v === null) return { ok: false, detail: 'libvmaf ran but wrote no score' };
    return { ok: true, detail: `libvmaf ${support.api === 'v1' ? '1.x' : '2.x'}, model ${s.model}, self-score ${v.toFixed(1)}` };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
