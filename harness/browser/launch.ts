// Headless Chromium for tests and live runs: fixed flags, a throwaway profile, and a close() that always cleans up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser } from 'puppeteer-core';
import { findChromium } from './chromium-path.ts';

export interface LaunchOptions {
  /** A .y4m/.mjpeg file Chromium plays as the camera (fake capture device, auto-granted permission). */
  fakeVideoFile?: string;
  /** Chromium's built-in fake camera (a moving test pattern), auto-granted; implied by fakeVideoFile. */
  fakeMedia?: boolean;
  extraArgs?: string[];
  /** Defaults to findChromium(). */
  executablePath?: string;
  /** Launch timeout; Chromium on a loaded 2-core machine can take a few seconds. */
  timeoutMs?: number;
  /**
   * Leave SIGINT/SIGTERM/SIGHUP to the caller (a runner that closes its sessions itself). Otherwise puppeteer's
   * own handlers kill the browser and exit at once, before any asynchronous cleanup of the caller can run.
   */
  callerHandlesSignals?: boolean;
}

export interface LaunchedChromium {
  browser: Browser;
  userDataDir: string;
  /** Closes the browser, kills the process if it lingers, removes the profile. Safe to call twice. */
  close(): Promise<void>;
}

export class ChromiumMissingError extends Error {}

/** The flags every netqoe Chromium runs with (user-data-dir added by launchChromium). */
export function chromiumArgs(opts: Pick<LaunchOptions, 'fakeVideoFile' | 'fakeMedia' | 'extraArgs'> = {}): string[] {
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    // QUIC would bypass TCP shaping and make runs differ by transport.
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // ICE candidates must carry real loopback addresses, not mDNS names, to traverse the relay.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ];
  if (opts.fakeVideoFile || opts.fakeMedia) args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream');
  if (opts.fakeVideoFile) args.push(`--use-file-for-fake-video-capture=${opts.fakeVideoFile}`);
  return [...args, ...(opts.extraArgs ?? [])];
}

/** Profiles of browsers not closed yet, with their process group: removed on process exit whatever the cause. */
const openProfiles = new Map<string, number | undefined>();
let exitHookInstalled = false;

/**
 * A process that exits with browsers open (process.exit from a signal handler, puppeteer's SIGINT exit, an uncaught
 * error) still kills their process groups and removes their profiles: 'exit' handlers run synchronously, and so
 * do these. Each run otherwise left a 2.4 MB /tmp/netqoe-chromium-* behind.
 */
function installExitCleanup(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [dir, pid] of openProfiles) {
      if (pid !== undefined) killProcessGroup(pid);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    }
  });
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedChromium> {
  const executablePath = opts.executablePath ?? resolveChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'netqoe-chromium-'));
  installExitCleanup();
  openProfiles.set(userDataDir, undefined);
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      ...(opts.callerHandlesSignals ? { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false } : {}),
      executablePath,
      // Our own --headless=new decides the mode, so the flag list above is the whole truth.
      headless: false,
      args: [...chromiumArgs(opts), `--user-data-dir=${userDataDir}`],
      timeout: opts.timeoutMs ?? 30_000,
      defaultViewport: { width: 1280, height: 900 },
    });
  } catch (err) {
    openProfiles.delete(userDataDir);
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const launched = browser;
  openProfiles.set(userDataDir, launched.process()?.pid);
  let closed = false;
  return {
    browser: launched,
    userDataDir,
    async close() {
      if (closed) return;
      closed = true;
      const proc = launched.process();
      try {
        await withTimeout(launched.close(), 5_000);
      } catch {
        // Fall through to the kill: a hung or crashed browser must not leak a process.
      } finally {
        if (proc?.pid !== undefined) killProcessGroup(proc.pid);
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
        openProfiles.delete(userDataDir);
      }
    },
  };
}

function resolveChromium(): string {
  const found = findChromium();
  if ('missing' in found) throw new ChromiumMissingError(found.missing);
  return found.path;
}

/** puppeteer starts Chromium detached, so its pid leads a process group holding the renderers and zygote too. */
function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone, which is the usual case after a clean close.
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
