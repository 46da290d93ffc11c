// ffmpeg scoring logs and options: psnr/ssim stats files, libvmaf 1.x/2.x JSON logs, model choice, filter syntax.
import { describe, expect, test } from 'vitest';
import { libvmafFilter, parsePsnrStats, parseSsimStats, parseVmafLog, PSNR_CEILING_DB, SHIPPED_MODEL_DIR, vmafModelPath } from '../../harness/media/vmaf.ts';

describe('ffmpeg scoring logs', () => {
  test('psnr stats: psnr_y per line, inf capped', () => {
    const text = 'n:1 mse_avg:3.21 mse_y:2.10 mse_u:1.00 mse_v:1.20 psnr_avg:43.06 psnr_y:44.91 psnr_u:48.13 psnr_v:47.33\nn:2 mse_avg:0.00 mse_y:0.00 mse_u:0.00 mse_v:0.00 psnr_avg:inf psnr_y:inf psnr_u:inf psnr_v:inf\n';
    expect(parsePsnrStats(text)).toEqual([44.91, PSNR_CEILING_DB]);
  });

  test('ssim stats: the Y value per line', () => {
    expect(parseSsimStats('n:1 Y:0.981234 U:0.99 V:0.99 All:0.985 (18.2)\nn:2 Y:1.000000 U:1 V:1 All:1.000000 (inf)\n')).toEqual([0.981234, 1]);
  });

  test('libvmaf JSON log: frames[].metrics.vmaf by frameNum; subsampled frames stay null', () => {
    const log = JSON.stringify({ frames: [{ frameNum: 0, metrics: { vmaf: 91.5, adm2: 0.9 } }, { frameNum: 2, metrics: { vmaf: 80 } }], 'VMAF score': 85.75 });
    expect(parseVmafLog(log, 3)).toEqual([91.5, null, 80]);
  });

  test('model: explicit, then NETQOE_VMAF_MODEL, then the shipped file for the libvmaf API; a missing file is an error naming it', () => {
    expect(vmafModelPath('v1', undefined, {})).toBe(`${SHIPPED_MODEL_DIR}vmaf_v0.6.1.pkl`);
    expect(vmafModelPath('v2', undefined, {})).toBe(`${SHIPPED_MODEL_DIR}vmaf_v0.6.1.json`);
    const shipped = `${SHIPPED_MODEL_DIR}vmaf_v0.6.1.json`;
    expect(vmafModelPath('v1', undefined, { NETQOE_VMAF_MODEL: shipped })).toBe(shipped);
    expect(() => vmafModelPath('v1', undefined, { NETQOE_VMAF_MODEL: '/no/such.pkl' })).toThrow(/\/no\/such\.pkl \(NETQOE_VMAF_MODEL\)/);
    expect(() => vmafModelPath('v1', '/no/other.pkl', {})).toThrow(/\/no\/other\.pkl does not exist/);
  });

  test('filter syntax per libvmaf API, paths escaped', () => {
    expect(libvmafFilter('v1', '/m/a:b.pkl', '/t/log.json', 2, 1)).toBe('libvmaf=model_path=/m/a\\:b.pkl:log_path=/t/log.json:log_fmt=json:n_threads=2:n_subsample=1');
    expect(libvmafFilter('v2', '/m/v.json', '/t/l.json', 1, 3)).toBe('libvmaf=model=path=/m/v.json:log_path=/t/l.json:log_fmt=json:n_threads=1:n_subsample=3');
  });
});
