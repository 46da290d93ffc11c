// The frame capture's worker (pages/frame-capture.ts): reads the marker and copies each frame's planes off the
// page's main thread, so that requestVideoFrameCallback is not delayed by the copy (a delayed callback is a
// frame the capture misses), and sends them to the harness's frame sink over a WebSocket.

import type { CapturedFrameHeader } from './frame-capture.ts';
import { STOP_DRAIN_MS } from './frame-capture-limits.ts';
import { decodeMarker, lumaFromRgba, markerBox } from './frame-marker.ts';

export interface WorkerStart {
  type: 'start';
  sinkUrl: string;
}
export interface WorkerFrame {
  type: 'frame';
  frame: VideoFrame;
  pixels: boolean;
  header: Omit<CapturedFrameHeader, 'number' | 'width' | 'height' | 'format' | 'layout'>;
}
export interface WorkerStop {
  type: 'stop';
  stats: Record<string, unknown>;
}

let ws: WebSocket | null = null;
const queue: (ArrayBuffer | string)[] = [];
let inFlight = 0;
let canvas: OffscreenCanvas | null = null;
let errors = 0;

function send(m: ArrayBuffer | string): void {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(m);
  else queue.push(m);
}

const RGB_FORMATS = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);
const YUV_FORMATS = new Set(['I420', 'I420A', 'NV12']);

function drawn(frame: VideoFrame, w: number, h: number): OffscreenCanvasRenderingContext2D {
  canvas ??= new OffscreenCanvas(w, h);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(frame, 0, 0, w, h);
  return ctx;
}

async function readNumber(frame: VideoFrame, w: number, h: number): Promise<number | null> {
  const box = markerBox(w, h);
  const vr = frame.visibleRect!;
  const rect = { x: vr.x, y: vr.y, width: Math.min(w, box.width + (box.width & 1)), height: Math.min(h, box.height + (box.height & 1)) };
  const fmt = frame.format ?? '';
  if (YUV_FORMATS.has(fmt)) {
    const buf = new Uint8Array(frame.allocationSize({ rect }));
    const layout = await frame.copyTo(buf, { rect });
    return decodeMarker({ width: rect.width, height: rect.height, stride: layout[0].stride, data: buf.subarray(layout[0].offset) }, h);
  }
  const img = drawn(frame, w, h).getImageData(0, 0, rect.width, rect.height);
  return decodeMarker(lumaFromRgba(img.data, rect.width, rect.height), h);
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadlineMs = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadlineMs) await new Promise((r) => setTimeout(r, 20));
}

async function onFrame(m: WorkerFrame): Promise<void> {
  const { frame } = m;
  inFlight++;
  try {
    const w = frame.visibleRect?.width ?? frame.displayWidth;
    const h = frame.visibleRect?.height ?? frame.displayHeight;
    const number = await readNumber(frame, w, h);
    let payload: Uint8Array | null = null;
    let layout: { offset: number; stride: number }[] | null = null;
    let format: string | null = frame.format;
    if (m.pixels) {
      if (format && (YUV_FORMATS.has(format) || RGB_FORMATS.has(format))) {
        payload = new Uint8Array(frame.allocationSize());
        layout = (await frame.copyTo(payload)).map((l) => ({ offset: l.offset, stride: l.stride }));
      } else {
        payload = new Uint8Array(drawn(frame, w, h).getImageData(0, 0, w, h).data.buffer);
        layout = [{ offset: 0, stride: 4 * w }];
        format = 'RGBA';
      }
    }
    const header: CapturedFrameHeader = { ...m.header, number, width: w, height: h, format, layout };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const msg = new Uint8Array(4 + json.length + (payload?.length ?? 0));
    new DataView(msg.buffer).setUint32(0, json.length);
    msg.set(json, 4);
    if (payload) msg.set(payload, 4 + json.length);
    send(msg.buffer);
  } catch (err) {
    errors++;
    if (errors <= 3) postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    frame.close();
    inFlight--;
  }
}

self.onmessage = async (e: MessageEvent<WorkerStart | WorkerFrame | WorkerStop>) => {
  const m = e.data;
  if (m.type === 'start') {
    ws = new WebSocket(m.sinkUrl);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      for (const q of queue.splice(0)) ws!.send(q);
    };
  } else if (m.type === 'frame') {
    void onFrame(m);
  } else if (m.type === 'stop') {
    // Frames still being read, then the counters behind them, then everything on the socket: the page terminates
    // this worker once it says 'stopped', which drops whatever the socket still buffers (a loaded machine's 720p
    // backlog outlasted the old 3 s here, and the counters were lost with it).
    await waitUntil(() => inFlight === 0 && queue.length === 0, STOP_DRAIN_MS);
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stats', ...m.stats, errors: (m.stats.errors as number) + errors }));
    await waitUntil(() => (ws?.bufferedAmount ?? 0) === 0 || ws?.readyState !== WebSocket.OPEN, STOP_DRAIN_MS);
    ws?.close();
    postMessage({ type: 'stopped' });
  }
};
