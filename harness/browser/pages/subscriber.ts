// The subscriber page: receives one video m-line per publisher from the SFU and plays each (muted).

import { negotiate } from './negotiation.ts';
import type { PeerPageApi, PeerPageConfig } from './page-api.ts';
import { reportError, startStatsLoop } from './page-api.ts';
import { startFrameCapture } from './frame-capture.ts';
import type { FrameCaptureStats } from './frame-capture.ts';
import { connectSignaling } from './signaling-client.ts';
import type { SignalingClient } from './signaling-client.ts';
import { createStatsCollector } from './stats-collector.ts';

let pc: RTCPeerConnection | null = null;
let signaling: SignalingClient | null = null;
let stopStats: () => void = () => {};
let closedWith: { code: number; reason: string } | null = null;
const captures: { stop(): Promise<FrameCaptureStats> }[] = [];
const publisherOfMid: Record<string, string> = {};

async function start(cfg: PeerPageConfig): Promise<void> {
  signaling = connectSignaling(cfg.signalingUrl, { room: cfg.room, token: cfg.token, role: 'subscriber', peerId: cfg.peerId });
  void signaling.closed.then((c) => (closedWith = c));
  const joined = await signaling.joined;
  pc = new RTCPeerConnection({ iceServers: joined.iceServers });
  negotiate(pc, signaling, { onError: reportError, onStreams: (s) => Object.assign(publisherOfMid, s) });
  pc.ontrack = (e) => {
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
  stopStats = startStatsLoop(createStatsCollector(pc, { peerId: joined.peerId, role: 'subscriber', publisherOfMid: () => publisherOfMid }), cfg.statsIntervalMs);
}

async function stop(): Promise<void> {
  stopStats();
  await Promise.all(captures.splice(0).map((c) => c.stop()));
  signaling?.close();
  pc?.close();
  pc = null;
}

const api: PeerPageApi = { start, stop, signalingClosed: () => closedWith };
window.netqoe = api;
