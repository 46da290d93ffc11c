// The frame sink's worker thread: the WebSocket server and the spill-file writes run here, off the main
// thread, where the SFU forwards media (40 MB/s of 720p frames on the main thread delayed its forwarding).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';
import type { CapturedFrameHeader, FrameCaptureStats } from '../browser/pages/frame-capture.ts';
import type { CapturedFrame } from './frame-sink.ts';
import { toI420 } from './i420.ts';

const { originEpochMs, spillPath } = workerData as { originEpochMs: number; spillPath: string };
const fd = openSync(spillPath, 'w');
let spillBytes = 0;
const frames: CapturedFrame[] = [];
const stats: { peerId: string; label: string; stats: FrameCaptureStats }[] = [];
const errors: string[] = [];
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
wss.on('listening', () => parentPort!.postMessage({ type: 'listening', port: (wss.address() as AddressInfo).port }));
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    try {
      if (!isBinary) {
        const m = JSON.parse(String(data)) as { type: string; peerId: string; label: string } & FrameCaptureStats;
        if (m.type === 'stats') stats.push({ peerId: m.peerId, label: m.label, stats: { captured: m.captured, missed: m.missed, errors: m.errors } });
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
        displayMs: h.displayEpochMs - originEpochMs,
        captureMs: h.captureEpochMs === null ? null : h.captureEpochMs - originEpochMs,
        receiveMs: h.receiveEpochMs === null ? null : h.receiveEpochMs - originEpochMs,
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
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'snapshot') {
    parentPort!.postMessage({ type: 'snapshot', frames: frames.splice(0), stats: stats.splice(0), errors: errors.splice(0) });
  } else if (m.type === 'close') {
    for (const c of wss.clients) c.terminate();
    wss.close(() => {
      closeSync(fd);
      parentPort!.postMessage({ type: 'closed' });
    });
  }
});
