// Records each frame a <video> element presents (requestVideoFrameCallback): its display time, the frame number
// painted in it (read from the marker's corner only), and optionally its exact decoded pixels
// (VideoFrame(video).copyTo: the decoder's planes, no canvas colour conversion), sent to the harness over a
// WebSocket by a worker (frame-capture-worker.ts). Frames the capture itself failed to see are counted
// (metadata.presentedFrames), never hidden. Why this method: docs/scoring.md.

import { STOP_DRAIN_MS } from './frame-capture-limits.ts';

export interface FrameCaptureOptions {
  sinkUrl: string;
  peerId: string;
  /** Which video: the subscriber's m-line mid, or 'local' for the publisher's camera. */
  label: string;
  /** Send each frame's pixels (else only times and numbers). */
  pixels: boolean;
  /** With pixels: only every nth presented frame's (the copy of 720p frames is heavy on a small machine). Default 1. */
  pixelsEveryNth?: number;
}

/** What the harness receives per frame: JSON header, then the pixels (if any). */
export interface CapturedFrameHeader {
  peerId: string;
  label: string;
  displayEpochMs: number;
  /** requestVideoFrameCallback metadata.captureTime (local camera: capture; remote: sender's, estimated). */
  captureEpochMs: number | null;
  receiveEpochMs: number | null;
  presentedFrames: number;
  number: number | null;
  width: number;
  height: number;
  format: string | null;
  layout: { offset: number; stride: number }[] | null;
}

export interface FrameCaptureStats {
  captured: number;
  /** Frames the element presented that the callback did not see (capture loss, reported, never hidden). */
  missed: number;
  errors: number;
}

interface VideoFrameMetadataLike {
  presentedFrames: number;
  expectedDisplayTime: number;
  captureTime?: number;
  receiveTime?: number;
}

type Capture = { stop(): Promise<FrameCaptureStats> };

/**
 * With pixelsEveryNth > 1, a frame followed by a gap this long gets its pixels anyway: every freeze by Chrome's
 * rule (gap >= avg + 150 ms) is one, and the frozen picture is what the viewer looked at longest (the report's
 * worst-moment thumbnails show it).
 */
export const FROZEN_GAP_MS = 150;

function startWorker(opts: FrameCaptureOptions, stats: FrameCaptureStats, onError: (m: string) => void): { worker: Worker; stop(): Promise<FrameCaptureStats> } {
  const worker = new Worker(new URL('./frame-capture-worker.ts', import.meta.url), { type: 'module' });
  let stopped: (() => void) | null = null;
  worker.onmessage = (e: MessageEvent<{ type: string; message?: string }>) => {
    if (e.data.type === 'error') onError(`frame capture (${opts.label}): ${e.data.message}`);
    if (e.data.type === 'stopped') stopped?.();
  };
  worker.onerror = (e) => onError(`frame capture worker (${opts.label}): ${e.message}`);
  worker.postMessage({ type: 'start', sinkUrl: opts.sinkUrl });
  return {
    worker,
    async stop() {
      const done = new Promise<void>((r) => (stopped = r));
      worker.postMessage({ type: 'stop', stats: { peerId: opts.peerId, label: opts.label, ...stats } });
      // The worker's two drain stages (frames, then the socket), each bounded by STOP_DRAIN_MS, and a margin.
      await Promise.race([done, new Promise((r) => setTimeout(r, 2 * STOP_DRAIN_MS + 2000))]);
      worker.terminate();
      return stats;
    },
  };
}

/**
 * Records what `video` presents: each requestVideoFrameCallback takes the presented frame (new VideoFrame(video),
 * in the callback, so it is that frame whatever comes next) and hands it to the worker.
 */
export function startFrameCapture(video: HTMLVideoElement, opts: FrameCaptureOptions, onError: (m: string) => void): Capture {
  const stats: FrameCaptureStats = { captured: 0, missed: 0, errors: 0 };
  const w = startWorker(opts, stats, onError);
  const origin = performance.timeOrigin;
  let stopped = false;
  let lastPresented = -1;
  // Subsampled pixels: each frame is posted when the next one is presented, with its pixels if the gap says it froze.
  const everyNth = Math.max(1, opts.pixelsEveryNth ?? 1);
  const holdBack = opts.pixels && everyNth > 1;
  let held: { frame: VideoFrame; pixels: boolean; header: object; displayMs: number } | null = null;
  const post = (nextDisplayMs: number | null) => {
    if (!held) return;
    const frozen = nextDisplayMs !== null && nextDisplayMs - held.displayMs >= FROZEN_GAP_MS;
    w.worker.postMessage({ type: 'frame', frame: held.frame, pixels: held.pixels || frozen, header: held.header }, [held.frame as unknown as Transferable]);
    held = null;
  };
  const onFrame = (_now: number, meta: VideoFrameMetadataLike) => {
    if (stopped) return;
    video.requestVideoFrameCallback(onFrame as VideoFrameRequestCallback);
    if (lastPresented >= 0 && meta.presentedFrames > lastPresented + 1) stats.missed += meta.presentedFrames - lastPresented - 1;
    lastPresented = meta.presentedFrames;
    let frame: VideoFrame;
    try {
      frame = new VideoFrame(video);
    } catch {
      // "Invalid source state" before the element has a current frame: counted, not an error of the run.
      stats.errors++;
      return;
    }
    stats.captured++;
    const header = {
      peerId: opts.peerId,
      label: opts.label,
      displayEpochMs: origin + meta.expectedDisplayTime,
      captureEpochMs: meta.captureTime !== undefined ? origin + meta.captureTime : null,
      receiveEpochMs: meta.receiveTime !== undefined ? origin + meta.receiveTime : null,
      presentedFrames: meta.presentedFrames,
    };
    const pixels = opts.pixels && meta.presentedFrames % everyNth === 0;
    if (!holdBack) {
      w.worker.postMessage({ type: 'frame', frame, pixels, header }, [frame as unknown as Transferable]);
      return;
    }
    post(meta.expectedDisplayTime);
    held = { frame, pixels, header, displayMs: meta.expectedDisplayTime };
  };
  video.requestVideoFrameCallback(onFrame as VideoFrameRequestCallback);
  return {
    stop() {
      stopped = true;
      post(null);
      return w.stop();
    },
  };
}

/**
 * Records the frames a camera track delivers (a publisher's, whose page is a background tab that renders no
 * video): MediaStreamTrackProcessor on a clone, each frame stamped with the time it reached the page.
 */
export function startTrackCapture(track: MediaStreamTrack, opts: FrameCaptureOptions, onError: (m: string) => void): Capture {
  const stats: FrameCaptureStats = { captured: 0, missed: 0, errors: 0 };
  const w = startWorker(opts, stats, onError);
  const clone = track.clone();
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor?: new (o: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } }).MediaStreamTrackProcessor;
  if (!Processor) {
    onError('frame capture: MediaStreamTrackProcessor is not available in this browser');
    return { stop: () => w.stop() };
  }
  const reader = new Processor({ track: clone }).readable.getReader();
  let stopped = false;
  void (async () => {
    let n = 0;
    while (!stopped) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) break;
      const t = performance.timeOrigin + performance.now();
      stats.captured++;
      const header = { peerId: opts.peerId, label: opts.label, displayEpochMs: t, captureEpochMs: t, receiveEpochMs: null, presentedFrames: n++ };
      w.worker.postMessage({ type: 'frame', frame, pixels: opts.pixels, header }, [frame as unknown as Transferable]);
    }
  })().catch((err) => onError(`frame capture (${opts.label}): ${String(err)}`));
  return {
    async stop() {
      stopped = true;
      await reader.cancel().catch(() => undefined);
      clone.stop();
      return w.stop();
    },
  };
}
