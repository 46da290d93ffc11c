// What a page exposes to the harness (window.netqoe) and the bindings the harness exposes to it.

import type { PageStatsSample } from '../stats-types.ts';

export interface PeerPageConfig {
  signalingUrl: string;
  room: string;
  token: string;
  peerId: string;
  codec?: 'VP8' | 'H264';
  capture: { width: number; height: number; frameRate: number };
  statsIntervalMs: number;
  /** Record displayed frames (pages/frame-capture.ts) to the harness's frame sink; pixels: send each frame's planes. */
  frameCapture?: { sinkUrl: string; pixels: boolean; pixelsEveryNth?: number };
  /** The ICE-restart policy the page runs (none: states are recorded, nothing acts). */
  recovery?: RecoveryPageConfig;
}

export interface RecoveryPageConfig {
  /** Where the page imports the policy module from (page server path). */
  policyUrl: string;
  seed: number;
}

/** A connection-state or recovery event in a page (algorithms/ice-restart, pages/recovery.ts). */
export interface PageRecoveryEvent {
  timestampEpochMs: number;
  kind: 'ice-state' | 'connection-state' | 'network-change' | 'restart-ice' | 'full-reconnect' | 'reconnected' | 'first-frame' | 'media-gap';
  /** The new state ('disconnected', ...), the network ('cellular'), or the mid of a video. */
  state?: string;
  /** A media gap's start (the last decoded frame before it). */
  startEpochMs?: number;
  detail: string;
}

export interface PeerPageApi {
  start(config: PeerPageConfig): Promise<void>;
  /** Leave the room and close the peer connection. */
  stop(): Promise<void>;
  /** The close code and reason of the signaling socket, once closed. */
  signalingClosed(): { code: number; reason: string } | null;
  /** The harness's emulated OS network-change signal (e.g. WiFi to cellular). */
  networkChange?(info: { network?: string; cause?: 'online' | 'connection-change' }): void;
}

declare global {
  interface Window {
    netqoe?: PeerPageApi;
    /** Exposed by the harness (puppeteer exposeFunction). */
    netqoeReport?: (sample: PageStatsSample) => Promise<void>;
    netqoeError?: (message: string) => Promise<void>;
    netqoeEvent?: (event: PageRecoveryEvent) => Promise<void>;
  }
}

export function reportError(message: string): void {
  void window.netqoeError?.(message);
}

/** Collects a sample every interval and posts it to the harness. */
export function startStatsLoop(collect: () => Promise<PageStatsSample>, intervalMs: number): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      await window.netqoeReport?.(await collect());
    } catch (err) {
      reportError(`stats: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      busy = false;
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
