// The subscriber page: receives one video m-line per publisher from the SFU and plays each (muted).
// Runs the chosen ICE-restart policy (recovery.ts) and watches decoded frames (media gaps).

import { negotiate } from './negotiation.ts';
import type { PeerPageApi, PeerPageConfig } from './page-api.ts';
import { reportError, startStatsLoop } from './page-api.ts';
import { startDecodeWatch, startRecovery } from './recovery.ts';
import type { Recovery } from './recovery.ts';
import { startFrameCapture } from './frame-capture.ts';
import type { FrameCaptureStats } from './frame-capture.ts';
import { connectSignaling } from './signaling-client.ts';
import type { SignalingClient } from './signaling-client.ts';
import { createStatsCollector } from './stats-collector.ts';

let pc: RTCPeerConnection | null = null;
let signaling: SignalingClient | null = null;
let recovery: Recovery | null = null;
let stopStats: () => void = () => {};
let stopDecodeWatch: () => void = () => {};
let closedWith: { code: number; reason: string } | null = null;
const captures: { stop(): Promise<FrameCaptureStats> }[] = [];
let publisherOfMid: Record<string, string> = {};

async function connect(cfg: PeerPageConfig, rejoin: boolean): Promise<RTCPeerConnection> {
  const sig = connectSignaling(cfg.signalingUrl, { room: cfg.room, token: cfg.token, role: 'subscriber', peerId: cfg.peerId, rejoin });
  signaling = sig;
  void sig.closed.then((c) => {
    if (signaling === sig) closedWith = c;
  });
  const joined = await sig.joined;
  const next = new RTCPeerConnection({ iceServers: joined.iceServers });
  const mids: Record<string, string> = {};
  publisherOfMid = mids;
  negotiate(next, sig, { onError: reportError, onStreams: (s) => Object.assign(mids, s) });
  next.ontrack = (e) => {
    // A playing element keeps the track's frames consumed the way a real page does.
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.width = 320;
    video.dataset.mid = e.transceiver.mid ?? '';
    video.srcObject = new MediaStream([e.track]);
    document.body.append(video);
    video.play().catch((err) => reportError(`play: ${String(err)}`));
    if (cfg.frameCapture) captures.push(startFrameCapture(video, { ...cfg.frameCapture, peerId: cfg.peerId, label: e.transceiver.mid ?? '' }, reportError));
  };
  pc = next;
  stopStats();
  stopStats = startStatsLoop(createStatsCollector(next, { peerId: joined.peerId, role: 'subscriber', publisherOfMid: () => publisherOfMid }), cfg.statsIntervalMs);
  return next;
}

async function start(cfg: PeerPageConfig): Promise<void> {
  await connect(cfg, false);
  // Decode gaps are what handover runs measure; other runs skip the 50 ms polling.
  if (cfg.recovery) stopDecodeWatch = startDecodeWatch(() => pc);
  recovery = await startRecovery(cfg.recovery, {
    current: () => pc,
    async rebuild() {
      pc?.close();
      pc = null;
      document.querySelectorAll('video').forEach((v) => v.remove());
      return connect(cfg, true);
    },
  });
}

async function stop(): Promise<void> {
  recovery?.stop();
  stopDecodeWatch();
  stopStats();
  await Promise.all(captures.splice(0).map((c) => c.stop()));
  signaling?.close();
  pc?.close();
  pc = null;
}

const api: PeerPageApi = { start, stop, signalingClosed: () => closedWith, networkChange: (info) => recovery?.networkChange(info) };
window.netqoe = api;
