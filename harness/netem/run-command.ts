// Runs one argv (never a shell string) and reports its exit code and output; a missing binary is exit 127.
import { execFile } from 'node:child_process';

export interface CommandResult {
  argv: string[];
  /** Exit code; 127 when the program is missing, 124 when it timed out. */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export type RunCommand = (argv: string[]) => Promise<CommandResult>;

export function makeRunCommand(opts: { timeoutMs?: number } = {}): RunCommand {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return (argv) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      execFile(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        const ms = performance.now() - t0;
        let code = 0;
        let errText = String(stderr ?? '');
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string | null };
          if (e.code === 'ENOENT') {
            code = 127;
            errText = `${argv[0]}: not found`;
          } else if (e.killed || e.signal) {
            code = 124;
            errText = `${errText}${errText ? '\n' : ''}${argv[0]}: timed out after ${timeoutMs} ms`;
          } else code = typeof e.code === 'number' ? e.code : 1;
        }
        resolve({ argv, code, stdout: String(stdout ?? ''), stderr: errText.trim(), ms });
      });
    });
}

export const runCommand: RunCommand = makeRunCommand();

/** "tc qdisc add dev x ..." for messages (quotes arguments with spaces). */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
