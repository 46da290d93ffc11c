// Receives the frames pages record (harness/browser/pages/frame-capture.ts) over a WebSocket on 127.0.0.1: per
// peer and video, display/capture times on the run's clock, decoded frame numbers, and pixels (kept as I420 in a
// spill file, not in memory: a minute of 720p is gigabytes).
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { CapturedFrameHeader, FrameCaptureStats } from '../browser/pages/frame-capture.ts';
import type { DisplayedFrame } from './frame-timeline.ts';
import type { I420Frame } from './i420.ts';
import { i420Size, toI420 } from './i420.ts';

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
  readonly frames: CapturedFrame[];
  /** Frames of one peer's video, by display time. label: a mid, 'local', or undefined for all of the peer's. */
  framesOf(peerId: string, label?: string): CapturedFrame[];
  /** The capture's own counters (sent when the page stops capturing). */
  statsOf(peerId: string, label: string): FrameCaptureStats | undefined;
  /** Waits (up to timeoutMs) for a page's final counters: they arrive on the socket after its stop() returns. */
  waitForStats(peerId: string, label: string, timeoutMs?: number): Promise<FrameCaptureStats>;
  pixels(f: CapturedFrame): I420Frame;
  readonly errors: string[];
  close(): Promise<void>;
}

export async function startFrameSink(opts: { originEpochMs: number; spillDir?: string }): Promise<FrameSink> {
  const dir = mkdtempSync(join(opts.spillDir ?? tmpdir(), 'netqoe-frames-'));
  const spillPath = join(dir, 'frames.i420');
  const fd = openSync(spillPath, 'w+');
  let spillBytes = 0;
  const frames: CapturedFrame[] = [];
  const stats = new Map<string, FrameCaptureStats>();
  const errors: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      try {
        if (!isBinary) {
          const m = JSON.parse(String(data)) as { type: string; peerId: string; label: string } & FrameCaptureStats;
          if (m.type === 'stats') stats.set(`${m.peerId}\u0000${m.label}`, { captured: m.captured, missed: m.missed, errors: m.errors });
          return;
        }
        const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        const jsonLen = buf.readUInt32BE(0);
        const h = JSON.parse(buf.subarray(4, 4 + jsonLen).toString('utf8')) as CapturedFrameHeader;
        let pixelsAt: number | null = null;
        if (h.layout && h.format && buf.length > 4 + jsonLen) {
          const payload = new Uint8Array(buf.buffer, buf.byteOffset + 4 + jsonLen, buf.length - 4 - jsonLen);
          const i420 = toI420(h.format, h.width, h.height, payload, h.layout);
          writeSync(fd, i420.data, 0, i420.data.length, spillBytes);
          pixelsAt = spillBytes;
          spillBytes += i420.data.length;
        }
        frames.push({
          peerId: h.peerId,
          label: h.label,
          displayMs: h.displayEpochMs - opts.originEpochMs,
          captureMs: h.captureEpochMs === null ? null : h.captureEpochMs - opts.originEpochMs,
          receiveMs: h.receiveEpochMs === null ? null : h.receiveEpochMs - opts.originEpochMs,
          presentedFrames: h.presentedFrames,
          number: h.number,
          width: h.width,
          height: h.height,
          pixelsAt,
        });
      } catch (err) {
        if (errors.length < 10) errors.push(`frame sink: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    frames,
    errors,
    framesOf(peerId, label) {
      return frames.filter((f) => f.peerId === peerId && (label === undefined || f.label === label)).sort((a, b) => a.displayMs - b.displayMs);
    },
    statsOf: (peerId, label) => stats.get(`${peerId}\u0000${label}`),
    async waitForStats(peerId, label, timeoutMs = 3000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const s = stats.get(`${peerId}\u0000${label}`);
        if (s) return s;
        if (performance.now() > deadline) throw new Error(`no capture counters from ${peerId}/${label} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    pixels(f) {
      if (f.pixelsAt === null) throw new Error(`frame ${f.number} of ${f.peerId}/${f.label} was captured without pixels`);
      const data = new Uint8Array(i420Size(f.width, f.height));
      readSync(fd, data, 0, data.length, f.pixelsAt);
      return { width: f.width, height: f.height, data };
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
