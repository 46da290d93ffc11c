// `netqoe doctor`: what works on this machine, and why not (backends, kernel features, Chromium, ffmpeg).
// Exit 0 when the default path (userspace relay + simulator) works, 2 otherwise.
import { chooseLinkBackend, type LinkBackendChoice } from '../../netem/choose-backend.ts';
import { defaultPathOk, probeCapabilities, type ProbeResult } from '../../netem/probe.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from '../exit-codes.ts';

export interface DoctorOptions {
  json?: boolean;
  /** Injected in tests; default probes this machine. */
  probe?: () => Promise<ProbeResult[]>;
  write?: (text: string) => void;
}

export interface DoctorReport {
  defaultPathOk: boolean;
  /** What `link: auto` would run here. */
  linkAuto: LinkBackendChoice;
  results: ProbeResult[];
}

export function doctorReport(results: ProbeResult[]): DoctorReport {
  return { defaultPathOk: defaultPathOk(results), linkAuto: chooseLinkBackend('auto', results), results };
}

export function formatDoctorTable(report: DoctorReport): string {
  const width = Math.max(...report.results.map((r) => r.name.length));
  const lines = report.results.map((r) => {
    const line = `${r.ok ? '✓' : '✗'} ${r.name.padEnd(width)}  ${r.detail}`;
    return r.ok || !r.fix ? line : `${line}\n  ${''.padEnd(width)}  fix: ${r.fix}`;
  });
  lines.push('');
  lines.push(`default path (relay + sim): ${report.defaultPathOk ? 'works' : 'BROKEN'}`);
  lines.push(`link: auto -> ${report.linkAuto.backend} (${report.linkAuto.why})`);
  return `${lines.join('\n')}\n`;
}

export async function doctorCommand(opts: DoctorOptions = {}): Promise<number> {
  const results = await (opts.probe ?? (() => probeCapabilities()))();
  const report = doctorReport(results);
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorTable(report));
  return report.defaultPathOk ? EXIT_OK : EXIT_BAD_INPUT;
}
