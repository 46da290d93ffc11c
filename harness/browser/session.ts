// A live browser session: headless Chromium pages publishing to and subscribing from the SFU, each
// posting a getStats sample every second. Closing it (also on an error, or on SIGINT/SIGTERM when
// asked to) leaves no Chromium process behind.

import type { Page } from 'puppeteer-core';
import { launchChromium } from './launch.ts';
import type { LaunchedChromium } from './launch.ts';
import { startPageServer } from './page-server.ts';
import type { PageServer } from './page-server.ts';
import type { PageRecoveryEvent, PeerPageConfig } from './pages/page-api.ts';
import type { PageStatsSample, PeerRole, PeerStatsSample } from './stats-types.ts';

export interface BrowserPeerSpec {
  id: string;
  role: PeerRole;
  room: string;
  token: string;
  /** A publisher's codec; default: the room's. */
  codec?: 'VP8' | 'H264';
  /** Default 1280x720 at 30 fps. */
  capture?: { width: number; height: number; frameRate: number };
  /** Record displayed frames to the session's frameSinkUrl (subscriber: each received video, pixels if asked; publisher: its camera preview, numbers and capture times). */
  frameCapture?: { pixels?: boolean; pixelsEveryNth?: number };
  /** The ICE-restart policy the page runs: its module file (loadIceRestart(...).file) and seed. */
  iceRestart?: { file: string; seed?: number };
}

/** A page's connection-state or recovery event (pages/recovery.ts), on the session's clock. */
export interface PeerRecoveryEvent extends Omit<PageRecoveryEvent, 'timestampEpochMs' | 'startEpochMs'> {
  tMs: number;
  peerId: string;
  /** A media gap's start (its last decoded frame). */
  startMs?: number;
}

export interface BrowserSessionOptions {
  signalingUrl: string;
  peers: readonly BrowserPeerSpec[];
  /** Default 1000 ms. */
  statsIntervalMs?: number;
  /** Samples' tMs = the report's epoch time minus this (pass the SFU's start to share its clock). Default: session start. */
  originEpochMs?: number;
  /** One Chromium for every peer (default: least CPU) or one per peer (isolation). */
  browsers?: 'shared' | 'per-peer';
  /** A .y4m clip as the camera; default: Chromium's built-in fake camera. */
  fakeVideoFile?: string;
  /** Where pages with frameCapture send frames (harness/media/frame-sink.ts). */
  frameSinkUrl?: string;
  executablePath?: string;
  onSample?: (s: PeerStatsSample) => void;
  onRecoveryEvent?: (e: PeerRecoveryEvent) => void;
  /** Close the session and exit (130/143) on SIGINT/SIGTERM. For runners; off by default. */
  handleSignals?: boolean;
  /** The caller handles SIGINT/SIGTERM itself (and closes the session): puppeteer's own handlers stay off. */
  callerHandlesSignals?: boolean;
  /** How long one peer may take to join and start. Default 30 s. */
  startTimeoutMs?: number;
  /** Told of every Chromium launched (a runner's log; a test's check that it is gone). */
  onBrowser?: (b: { userDataDir: string; pid: number | undefined }) => void;
}

export interface BrowserSession {
  readonly samples: PeerStatsSample[];
  /** Connection states, recovery actions, first frames and media gaps of every page, in arrival order. */
  readonly recoveryEvents: PeerRecoveryEvent[];
  /** Post the emulated OS network-change signal into a peer's page (a mobile OS's WiFi -> cellular callback). */
  networkChange(peerId: string, info: { network?: string; cause?: 'online' | 'connection-change' }): Promise<void>;
  /** Page errors, console errors and errors the pages reported (signaling, negotiation, stats). */
  readonly errors: string[];
  readonly userDataDirs: readonly string[];
  readonly pids: readonly number[];
  samplesOf(peerId: string): PeerStatsSample[];
  latest(peerId: string): PeerStatsSample | undefined;
  /** Polls `predicate` every 200 ms; rejects with `what` after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** The signaling socket's close code and reason as the page saw them, null while open. */
  signalingClosed(peerId: string): Promise<{ code: number; reason: string } | null>;
  /** The peer leaves (its page stays open until close()). */
  stopPeer(peerId: string): Promise<void>;
  close(): Promise<void>;
}

const BROWSER_ARGS = [
  // Several peers share one browser: none of their pages may be throttled as a background tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

const live = new Set<BrowserSession>();
let signalsInstalled = false;

/** On SIGINT/SIGTERM: close every live session, then exit 130/143. A second signal exits at once. */
export function installSignalCleanup(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (exiting) process.exit(code);
    exiting = true;
    void Promise.allSettled([...live].map((s) => s.close())).then(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Sessions not closed yet (a runner's last-resort cleanup). */
export function liveSessions(): BrowserSession[] {
  return [...live];
}

export async function startBrowserSession(opts: BrowserSessionOptions): Promise<BrowserSession> {
  if (opts.handleSignals) installSignalCleanup();
  const originEpochMs = opts.originEpochMs ?? Date.now();
  const statsIntervalMs = opts.statsIntervalMs ?? 1000;
  const samples: PeerStatsSample[] = [];
  const recoveryEvents: PeerRecoveryEvent[] = [];
  const errors: string[] = [];
  const browsers: LaunchedChromium[] = [];
  const pages = new Map<string, Page>();
  let server: PageServer | null = null;
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    live.delete(session);
    // Leave first so the SFU sees a clean leave, then close everything even if a page hangs.
    await Promise.allSettled([...pages.values()].map((p) => withTimeout(p.evaluate(() => window.netqoe?.stop()), 2000)));
    await Promise.allSettled(browsers.map((b) => b.close()));
    await server?.close();
  };

  const session: BrowserSession = {
    samples,
    recoveryEvents,
    async networkChange(id, info) {
      const page = pages.get(id);
      if (!page) throw new Error(`no peer "${id}"`);
      await page.evaluate((i) => window.netqoe?.networkChange?.(i), info);
    },
    errors,
    get userDataDirs() {
      return browsers.map((b) => b.userDataDir);
    },
    get pids() {
      return browsers.map((b) => b.browser.process()?.pid).filter((p): p is number => p !== undefined);
    },
    samplesOf: (id) => samples.filter((s) => s.peerId === id),
    latest: (id) => {
      for (let i = samples.length - 1; i >= 0; i--) if (samples[i].peerId === id) return samples[i];
      return undefined;
    },
    async waitFor(predicate, timeoutMs, what) {
      const deadline = performance.now() + timeoutMs;
      while (!predicate()) {
        if (closed) throw new Error(`session closed while waiting for ${what}`);
        if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${errors.length ? `; page errors: ${errors.slice(-5).join(' | ')}` : ''}`);
        await sleep(200);
      }
    },
    async signalingClosed(id) {
      const page = pages.get(id);
      if (!page) throw new Error(`no peer "${id}"`);
      return page.evaluate(() => window.netqoe?.signalingClosed() ?? null);
    },
    async stopPeer(id) {
      const page = pages.get(id);
      if (!page) throw new Error(`no peer "${id}"`);
      await page.evaluate(() => window.netqoe?.stop());
    },
    close,
  };
  live.add(session);

  try {
    server = await startPageServer();
    const browserFor = async (): Promise<LaunchedChromium> => {
      if (opts.browsers !== 'per-peer' && browsers.length > 0) return browsers[0];
      const b = await launchChromium({ fakeMedia: true, fakeVideoFile: opts.fakeVideoFile, extraArgs: BROWSER_ARGS, executablePath: opts.executablePath, callerHandlesSignals: signalsInstalled || opts.callerHandlesSignals === true });
      browsers.push(b);
      opts.onBrowser?.({ userDataDir: b.userDataDir, pid: b.browser.process()?.pid });
      if (closed) await b.close();
      return b;
    };
    for (const peer of opts.peers) {
      if (closed) throw new Error('session closed while starting');
      const b = await browserFor();
      const page = await b.browser.newPage();
      // Peers share a browser as tabs, and only the front tab is visible: a hidden page's <video> presents no
      // frames (no requestVideoFrameCallback, nothing to capture; the first of two subscribers recorded
      // nothing). Focus emulation makes every page visible and rendering, as each viewer's screen is.
      const cdp = await page.createCDPSession();
      await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
      pages.set(peer.id, page);
      const tag = `${peer.id}:`;
      page.on('pageerror', (err) => errors.push(`${tag} ${err instanceof Error ? err.message : String(err)}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${tag} console: ${m.text()}`);
      });
      await page.exposeFunction('netqoeReport', (s: PageStatsSample) => {
        const { timestampEpochMs, ...rest } = s;
        const sample: PeerStatsSample = { tMs: Math.round(timestampEpochMs - originEpochMs), ...rest };
        samples.push(sample);
        opts.onSample?.(sample);
      });
      await page.exposeFunction('netqoeError', (m: string) => {
        errors.push(`${tag} ${m}`);
      });
      await page.exposeFunction('netqoeEvent', (e: PageRecoveryEvent) => {
        const { timestampEpochMs, startEpochMs, ...rest } = e;
        const ev: PeerRecoveryEvent = { tMs: Math.round(timestampEpochMs - originEpochMs), peerId: peer.id, ...rest };
        if (startEpochMs !== undefined) ev.startMs = Math.round(startEpochMs - originEpochMs);
        recoveryEvents.push(ev);
        opts.onRecoveryEvent?.(ev);
      });
      await page.goto(`${server.origin}/${peer.role}.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.netqoe !== undefined, { timeout: 10_000 });
      const config: PeerPageConfig = {
        signalingUrl: opts.signalingUrl,
        room: peer.room,
        token: peer.token,
        peerId: peer.id,
        codec: peer.codec,
        capture: peer.capture ?? { width: 1280, height: 720, frameRate: 30 },
        statsIntervalMs,
        frameCapture: frameCaptureConfig(peer, opts.frameSinkUrl),
        recovery: peer.iceRestart ? { policyUrl: server.moduleUrl(peer.iceRestart.file), seed: peer.iceRestart.seed ?? 1 } : undefined,
      };
      await withTimeout(
        page.evaluate((c) => window.netqoe!.start(c), config),
        opts.startTimeoutMs ?? 30_000,
        `peer ${peer.id} did not start`,
      );
    }
  } catch (err) {
    await close();
    throw err;
  }
  return session;
}

/** Runs `fn` with a session and closes it whatever happens. */
export async function withBrowserSession<T>(opts: BrowserSessionOptions, fn: (s: BrowserSession) => Promise<T>): Promise<T> {
  const session = await startBrowserSession(opts);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

function frameCaptureConfig(peer: BrowserPeerSpec, sinkUrl: string | undefined): PeerPageConfig['frameCapture'] {
  if (!peer.frameCapture) return undefined;
  if (!sinkUrl) throw new Error(`peer ${peer.id} asks for frameCapture but the session has no frameSinkUrl`);
  return { sinkUrl, pixels: peer.frameCapture.pixels ?? false, pixelsEveryNth: peer.frameCapture.pixelsEveryNth };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
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
