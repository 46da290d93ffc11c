import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegHasFilter, ffmpegVersion, resolveFfmpeg } from '../../harness/media/ffmpeg-path.ts';

const dir = mkdtempSync(join(tmpdir(), 'nq-ffmpeg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake ffmpeg: prints a version line, and a filter list with or without libvmaf. */
function fakeFfmpeg(sub: string, opts: { vmaf: boolean }): string {
  const d = join(dir, sub);
  mkdirSync(d, { recursive: true });
  const p = join(d, 'ffmpeg');
  const filters = [' ... psnr              VV->V      Calculate the PSNR', ' ... ssim              VV->V      Calculate the SSIM'];
  if (opts.vmaf) filters.push(' ... libvmaf           VV->V      Calculate the VMAF between two video streams.');
  writeFileSync(
    p,
    `#!/bin/sh\ncase "$*" in\n  *-version*) echo "ffmpeg version 9.9-${sub} Copyright (c) the FFmpeg developers"; echo "built with gcc";;\n  *-filters*) printf '%s\\n' 'Filters:' ${filters.map((f) => `'${f}'`).join(' ')};;\n  *) exit 1;;\nesac\n`,
  );
  chmodSync(p, 0o755);
  return p;
}

const envPath = fakeFfmpeg('on-path', { vmaf: false });
const staticPath = fakeFfmpeg('static', { vmaf: true });
const installerPath = fakeFfmpeg('installer', { vmaf: false });
const explicitPath = fakeFfmpeg('explicit', { vmaf: true });
const none = () => {
  throw new Error('not installed');
};

describe('resolveFfmpeg order: FFMPEG_PATH, ffmpeg-static, @ffmpeg-installer/linux-x64, PATH', () => {
  const PATH = join(dir, 'on-path');
  const both = {
    loadModule: (s: string) => (s === 'ffmpeg-static' ? staticPath : none()),
    resolveModule: (s: string) => (s === '@ffmpeg-installer/linux-x64/package.json' ? join(dir, 'installer', 'package.json') : none()),
  };

  it('FFMPEG_PATH wins', () => {
    expect(resolveFfmpeg({ env: { FFMPEG_PATH: explicitPath, PATH }, ...both })).toMatchObject({ path: explicitPath, source: 'FFMPEG_PATH' });
  });

  it('a broken FFMPEG_PATH is reported, not silently replaced', () => {
    const r = resolveFfmpeg({ env: { FFMPEG_PATH: join(dir, 'nope'), PATH }, ...both });
    expect(r).toHaveProperty('missing');
    expect('missing' in r && r.missing).toContain('FFMPEG_PATH=');
  });

  it('then ffmpeg-static, then @ffmpeg-installer/linux-x64, then PATH', () => {
    expect(resolveFfmpeg({ env: { PATH }, ...both })).toMatchObject({ path: staticPath, source: 'ffmpeg-static' });
    expect(resolveFfmpeg({ env: { PATH }, loadModule: none, resolveModule: both.resolveModule })).toMatchObject({
      path: installerPath,
      source: '@ffmpeg-installer/linux-x64',
    });
    expect(resolveFfmpeg({ env: { PATH }, loadModule: none, resolveModule: none })).toMatchObject({ path: envPath, source: 'PATH' });
  });

  it('nothing found: says what it tried and how to fix it', () => {
    const r = resolveFfmpeg({ env: { PATH: join(dir, 'empty') }, loadModule: none, resolveModule: none });
    expect(r).toMatchObject({ tried: ['ffmpeg-static', '@ffmpeg-installer/linux-x64', 'ffmpeg on PATH'] });
    expect('fix' in r && r.fix).toMatch(/FFMPEG_PATH/);
  });
});

describe('ffmpeg version and filters', () => {
  it('reads the version line and finds libvmaf only where it is', async () => {
    expect(await ffmpegVersion(staticPath)).toBe('ffmpeg version 9.9-static Copyright (c) the FFmpeg developers');
    expect(await ffmpegHasFilter(staticPath, 'libvmaf')).toBe(true);
    expect(await ffmpegHasFilter(envPath, 'libvmaf')).toBe(false);
    expect(await ffmpegHasFilter(envPath, 'psnr')).toBe(true);
    expect(await ffmpegVersion(join(dir, 'missing-binary'))).toBeNull();
  });
});
