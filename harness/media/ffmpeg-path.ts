// Which ffmpeg to run: FFMPEG_PATH, then the npm packages ffmpeg-static and @ffmpeg-installer/linux-x64 when
// installed, then `ffmpeg` on PATH. Shared by `netqoe doctor` and the scoring (VMAF/PSNR/SSIM) code.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findOnPath, isExecutableFile } from './find-executable.ts';
import { runTool } from './ffmpeg-run.ts';

export type FfmpegSource = 'FFMPEG_PATH' | 'ffmpeg-static' | '@ffmpeg-installer/linux-x64' | 'PATH';

export type FfmpegLookup =
  | { path: string; source: FfmpegSource; tried: string[] }
  /** missing: why (for messages); fix: what the user can do. */
  | { missing: string; fix: string; tried: string[] };

export interface ResolveFfmpegOptions {
  env?: NodeJS.ProcessEnv;
  /** Resolves an npm module specifier to a file path or throws (default: Node's resolution from this file). */
  resolveModule?: (specifier: string) => string;
  /** Loads an npm module (default: require from this file); ffmpeg-static exports the binary's path. */
  loadModule?: (specifier: string) => unknown;
}

const nodeRequire = createRequire(import.meta.url);

export const FFMPEG_FIX =
  'install ffmpeg (`apt-get install -y ffmpeg`, or `npm i ffmpeg-static`), or set FFMPEG_PATH to an ffmpeg binary';

export function resolveFfmpeg(opts: ResolveFfmpegOptions = {}): FfmpegLookup {
  const env = opts.env ?? process.env;
  const resolveModule = opts.resolveModule ?? ((s: string) => nodeRequire.resolve(s));
  const loadModule = opts.loadModule ?? ((s: string) => nodeRequire(s) as unknown);
  const tried: string[] = [];

  const fromEnv = env.FFMPEG_PATH?.trim();
  if (fromEnv) {
    // An explicit FFMPEG_PATH that does not work is an error, not a reason to fall back silently.
    tried.push(`FFMPEG_PATH=${fromEnv}`);
    if (isExecutableFile(fromEnv)) return { path: fromEnv, source: 'FFMPEG_PATH', tried };
    return { missing: `FFMPEG_PATH=${fromEnv} is not an executable file`, fix: 'fix FFMPEG_PATH or unset it', tried };
  }

  tried.push('ffmpeg-static');
  try {
    const exported = loadModule('ffmpeg-static');
    const path = typeof exported === 'string' ? exported : (exported as { default?: unknown } | null)?.default;
    if (typeof path === 'string' && isExecutableFile(path)) return { path, source: 'ffmpeg-static', tried };
  } catch {
    // not installed
  }

  tried.push('@ffmpeg-installer/linux-x64');
  try {
    // The platform package ships the binary beside its package.json (that is how @ffmpeg-installer/ffmpeg finds it).
    const path = join(dirname(resolveModule('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
    if (isExecutableFile(path)) return { path, source: '@ffmpeg-installer/linux-x64', tried };
  } catch {
    // not installed
  }

  tried.push('ffmpeg on PATH');
  const onPath = findOnPath('ffmpeg', env);
  if (onPath) return { path: onPath, source: 'PATH', tried };
  return { missing: `ffmpeg not found (tried ${tried.join(', ')})`, fix: FFMPEG_FIX, tried };
}

/** The first line of `ffmpeg -version` ("ffmpeg version 6.1 ..."), or null when it does not run. */
export async function ffmpegVersion(path: string, timeoutMs = 3000): Promise<string | null> {
  const r = await runTool(path, ['-hide_banner', '-version'], timeoutMs);
  const first = r.stdout.split('\n')[0]?.trim();
  return r.code === 0 && first ? first : null;
}

/** Whether this ffmpeg has a filter (e.g. libvmaf), from `ffmpeg -filters`. */
export async function ffmpegHasFilter(path: string, filter: string, timeoutMs = 3000): Promise<boolean> {
  const r = await runTool(path, ['-hide_banner', '-filters'], timeoutMs);
  if (r.code !== 0) return false;
  // Lines look like " ... libvmaf           VV->V      Calculate the VMAF ...".
  return r.stdout.split('\n').some((line) => line.trim().split(/\s+/)[1] === filter);
}
