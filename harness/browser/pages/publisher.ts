// The publisher page: camera -> simulcast (the layers the SFU announces in "joined") -> SFU. Runs the
// chosen ICE-restart policy (recovery.ts); a full reconnect rebuilds the peer connection and rejoins.

import { negotiate } from './negotiation.ts';
import type { PeerPageApi, PeerPageConfig } from './page-api.ts';
import { reportError, startStatsLoop } from './page-api.ts';
import { startRecovery } from './recovery.ts';
import type { Recovery } from './recovery.ts';
import { startTrackCapture } from './frame-capture.ts';
import type { FrameCaptureStats } from './frame-capture.ts';
import { connectSignaling } from './signaling-client.ts';
import type { SignalingClient } from './signaling-client.ts';
import { createStatsCollector } from './stats-collector.ts';

let pc: RTCPeerConnection | null = null;
let signaling: SignalingClient | null = null;
let stream: MediaStream | null = null;
let recovery: Recovery | null = null;
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

/** Signaling, join, peer connection, simulcast sender. rejoin: replace this peer's old connection at the SFU. */
async function connect(cfg: PeerPageConfig, rejoin: boolean): Promise<RTCPeerConnection> {
  const sig = connectSignaling(cfg.signalingUrl, { room: cfg.room, token: cfg.token, role: 'publisher', peerId: cfg.peerId, codec: cfg.codec, rejoin });
  signaling = sig;
  void sig.closed.then((c) => {
    if (signaling === sig) closedWith = c;
  });
  const joined = await sig.joined;
  stream ??= await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { width: { ideal: cfg.capture.width }, height: { ideal: cfg.capture.height }, frameRate: { ideal: cfg.capture.frameRate } },
  });
  if (cfg.frameCapture && !localCapture) localCapture = captureLocal(stream, cfg);
  // Scored runs compare each layer with the reference at its nominal size: keep Chrome's CPU adaptation from
  // shrinking the layers on a small machine ('detail' = maintain resolution), an artefact of the host, not the network.
  if (cfg.frameCapture) stream.getVideoTracks()[0].contentHint = 'detail';
  const next = new RTCPeerConnection({ iceServers: joined.iceServers });
  negotiate(next, sig, { onError: reportError });
  const transceiver = next.addTransceiver(stream.getVideoTracks()[0], {
    direction: 'sendonly',
    streams: [stream],
    sendEncodings: joined.layers.map((l) => ({ rid: l.rid, scaleResolutionDownBy: l.scaleResolutionDownBy, maxBitrate: l.maxBitrateBps })),
  });
  transceiver.setCodecPreferences(preferredCodecs(joined.codec));
  pc = next;
  stopStats();
  stopStats = startStatsLoop(createStatsCollector(next, { peerId: joined.peerId, role: 'publisher' }), cfg.statsIntervalMs);
  return next;
}

async function start(cfg: PeerPageConfig): Promise<void> {
  await connect(cfg, false);
  recovery = await startRecovery(cfg.recovery, {
    current: () => pc,
    async rebuild() {
      // The old connection closes; the camera stays. The SFU closes the old signaling (4410) when the new one joins.
      pc?.close();
      pc = null;
      return connect(cfg, true);
    },
  });
}

async function stop(): Promise<void> {
  recovery?.stop();
  await localCapture?.stop();
  localCapture = null;
  stopStats();
  signaling?.close();
  stream?.getTracks().forEach((t) => t.stop());
  pc?.close();
  pc = null;
}

const api: PeerPageApi = { start, stop, signalingClosed: () => closedWith, networkChange: (info) => recovery?.networkChange(info) };
window.netqoe = api;
