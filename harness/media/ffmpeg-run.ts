// Running ffmpeg (or another tool) to completion: the exit code and what it said. The callers decide what a
// failure means (a message of their own, or a fallback).
import { execFile, spawn } from 'node:child_process';

export interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs path with args, killing it after timeoutMs (0: never); a tool that cannot start reads as exit 1. */
export function runTool(path: string, args: string[], timeoutMs: number, maxBufferBytes = 4 * 1024 * 1024): Promise<ToolOutput> {
  return new Promise((resolve) => {
    execFile(path, args, { timeout: timeoutMs, maxBuffer: maxBufferBytes }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface FfmpegExit {
  code: number;
  stderr: string;
  /** Set when the process could not be started (code is then 1). */
  spawnError?: Error;
}

/** Runs ffmpeg with stdin and stdout closed (its output goes to files or a null muxer), collecting stderr. */
export function spawnFfmpeg(path: string, args: string[], opts: { cwd?: string } = {}): Promise<FfmpegExit> {
  return new Promise((resolve) => {
    const child = spawn(path, args, { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: 1, stderr: String(e), spawnError: e }));
    child.on('close', (c) => resolve({ code: c ?? 1, stderr }));
  });
}
