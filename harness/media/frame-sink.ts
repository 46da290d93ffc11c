// Receives the frames pages record (harness/browser/pages/frame-capture.ts) over a WebSocket on 127.0.0.1: per
// peer and video, display/capture times on the run's clock, decoded frame numbers, and pixels (kept as I420 in a
// spill file, not in memory: a minute of 720p is gigabytes).
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FrameCaptureStats } from '../browser/pages/frame-capture.ts';
import type { DisplayedFrame } from './frame-timeline.ts';
import type { I420Frame } from './i420.ts';
import { i420Size } from './i420.ts';

export interface CapturedFrame extends DisplayedFrame {
  peerId: string;
  /** The subscriber's m-line mid, or 'local' (a publisher's camera preview). */
  label: string;
  /** metadata.captureTime on the run's clock (local camera: when captured), null when the browser gave none. */
  captureMs: number | null;
  receiveMs: number | null;
  presentedFrames: number;
  /** Byte offset of the I420 planes in the spill file, null without pixels. */
  pixelsAt: number | null;
}

export interface FrameSink {
  /** ws://127.0.0.1:PORT/ for BrowserSessionOptions.frameSinkUrl. */
  url: string;
  /** Frames received as of the last sync with the worker (every 200 ms, and on sync()). */
  readonly frames: CapturedFrame[];
  /** Fetches what the worker received since the last sync. */
  sync(): Promise<void>;
  /** Frames of one peer's video, by display time. label: a mid, 'local', or undefined for all of the peer's. */
  framesOf(peerId: string, label?: string): CapturedFrame[];
  /** The capture's own counters (sent when the page stops capturing), undefined before. */
  statsOf(peerId: string, label: string): FrameCaptureStats | undefined;
  /** Waits (up to timeoutMs, default 15 s) for a page's final counters: they arrive on the socket after its stop() returns, behind every frame it captured. */
  waitForStats(peerId: string, label: string, timeoutMs?: number): Promise<FrameCaptureStats>;
  pixels(f: CapturedFrame): I420Frame;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts the sink; its socket and spill writes run in a worker thread (frame-sink-worker.ts). */
export async function startFrameSink(opts: { originEpochMs: number; spillDir?: string }): Promise<FrameSink> {
  const dir = mkdtempSync(join(opts.spillDir ?? tmpdir(), 'netqoe-frames-'));
  const spillPath = join(dir, 'frames.i420');
  const worker = new Worker(new URL('./frame-sink-worker.ts', import.meta.url), { workerData: { originEpochMs: opts.originEpochMs, spillPath } });
  const frames: CapturedFrame[] = [];
  const stats = new Map<string, FrameCaptureStats>();
  const errors: string[] = [];
  let waiting: (() => void) | null = null;
  let closedResolve: (() => void) | null = null;
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { type: string; port?: number; frames?: CapturedFrame[]; stats?: { peerId: string; label: string; stats: FrameCaptureStats }[]; errors?: string[] }) => {
      if (m.type === 'listening') resolve(m.port!);
      else if (m.type === 'snapshot') {
        frames.push(...m.frames!);
        for (const s of m.stats!) stats.set(`${s.peerId}\u0000${s.label}`, s.stats);
        errors.push(...m.errors!);
        waiting?.();
      } else if (m.type === 'closed') closedResolve?.();
    });
  });
  let closed = false;
  // One snapshot at a time: the worker hands over what arrived since the last one.
  let chain: Promise<void> = Promise.resolve();
  const sync = (): Promise<void> => {
    if (closed) return Promise.resolve();
    chain = chain.then(
      () =>
        new Promise<void>((resolve) => {
          // A worker that died answers nothing: give up after 2 s with what arrived before.
          const timer = setTimeout(() => {
            waiting = null;
            resolve();
          }, 2000);
          waiting = () => {
            clearTimeout(timer);
            waiting = null;
            resolve();
          };
          worker.postMessage({ type: 'snapshot' });
        }),
    );
    return chain;
  };
  let fd: number | null = null;
  const poll = setInterval(() => void sync(), 200);
  poll.unref();
  const sink: FrameSink = {
    url: `ws://127.0.0.1:${port}/`,
    frames,
    sync,
    framesOf(peerId, label) {
      return frames.filter((f) => f.peerId === peerId && (label === undefined || f.label === label)).sort((a, b) => a.displayMs - b.displayMs);
    },
    statsOf(peerId, label) {
      return stats.get(`${peerId}\u0000${label}`);
    },
    async waitForStats(peerId, label, timeoutMs = 15_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        await sync();
        const s = sink.statsOf(peerId, label);
        if (s) return s;
        if (performance.now() > deadline) throw new Error(`no capture counters from ${peerId}/${label} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    pixels(f) {
      if (f.pixelsAt === null) throw new Error(`frame ${f.number} of ${f.peerId}/${f.label} was captured without pixels`);
      fd ??= openSync(spillPath, 'r');
      const data = new Uint8Array(i420Size(f.width, f.height));
      readSync(fd, data, 0, data.length, f.pixelsAt);
      return { width: f.width, height: f.height, data };
    },
    errors,
    async close() {
      if (closed) return;
      clearInterval(poll);
      await sync();
      closed = true;
      const done = new Promise<void>((r) => (closedResolve = r));
      worker.postMessage({ type: 'close' });
      await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
      if (fd !== null) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sink;
}
