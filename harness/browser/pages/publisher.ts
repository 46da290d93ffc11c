// The publisher page: camera -> simulcast (the layers the SFU announces in "joined") -> SFU.

import { negotiate } from './negotiation.ts';
import type { PeerPageApi, PeerPageConfig } from './page-api.ts';
import { reportError, startStatsLoop } from './page-api.ts';
import { startTrackCapture } from './frame-capture.ts';
import type { FrameCaptureStats } from './frame-capture.ts';
import { connectSignaling } from './signaling-client.ts';
import type { SignalingClient } from './signaling-client.ts';
import { createStatsCollector } from './stats-collector.ts';

let pc: RTCPeerConnection | null = null;
let signaling: SignalingClient | null = null;
let stopStats: () => void = () => {};
let closedWith: { code: number; reason: string } | null = null;
let localCapture: { stop(): Promise<FrameCaptureStats> } | null = null;

/** Records the camera's frames (numbers, capture times): where glass-to-glass latency starts. */
function captureLocal(camera: MediaStream, cfg: PeerPageConfig): { stop(): Promise<FrameCaptureStats> } {
  return startTrackCapture(camera.getVideoTracks()[0], { sinkUrl: cfg.frameCapture!.sinkUrl, pixels: false, peerId: cfg.peerId, label: 'local' }, reportError);
}

/** The codec the SFU asked for first, and only it (so the answer cannot pick a sibling H.264 profile). */
function preferredCodecs(codec: 'VP8' | 'H264'): RTCRtpCodec[] {
  const all = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
  const wanted = all.filter((c) => {
    if (c.mimeType.toLowerCase() !== `video/${codec.toLowerCase()}`) return false;
    if (codec !== 'H264') return true;
    const fmtp = c.sdpFmtpLine ?? '';
    return fmtp.includes('packetization-mode=1') && fmtp.includes('profile-level-id=42e01f');
  });
  if (wanted.length === 0) throw new Error(`this browser cannot send ${codec}`);
  return wanted;
}

async function start(cfg: PeerPageConfig): Promise<void> {
  signaling = connectSignaling(cfg.signalingUrl, { room: cfg.room, token: cfg.token, role: 'publisher', peerId: cfg.peerId, codec: cfg.codec });
  void signaling.closed.then((c) => (closedWith = c));
  const joined = await signaling.joined;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { width: { ideal: cfg.capture.width }, height: { ideal: cfg.capture.height }, frameRate: { ideal: cfg.capture.frameRate } },
  });
  if (cfg.frameCapture && !localCapture) localCapture = captureLocal(stream, cfg);
  pc = new RTCPeerConnection({ iceServers: joined.iceServers });
  negotiate(pc, signaling, { onError: reportError });
  const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], {
    direction: 'sendonly',
    streams: [stream],
    sendEncodings: joined.layers.map((l) => ({ rid: l.rid, scaleResolutionDownBy: l.scaleResolutionDownBy, maxBitrate: l.maxBitrateBps })),
  });
  transceiver.setCodecPreferences(preferredCodecs(joined.codec));
  stopStats = startStatsLoop(createStatsCollector(pc, { peerId: joined.peerId, role: 'publisher' }), cfg.statsIntervalMs);
}

async function stop(): Promise<void> {
  await localCapture?.stop();
  localCapture = null;
  stopStats();
  signaling?.close();
  pc?.getSenders().forEach((s) => s.track?.stop());
  pc?.close();
  pc = null;
}

const api: PeerPageApi = { start, stop, signalingClosed: () => closedWith };
window.netqoe = api;
