// werift peer configuration for the SFU: the codecs and header extensions it negotiates, ICE on one address.

import {
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  useAbsSendTime,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
  useTWCC,
} from 'werift';
import type { PeerConfig } from 'werift';
import type { VideoCodec } from './types.ts';

/**
 * No RTX: Chrome then retransmits on the media SSRC, which werift's simulcast receiver routes (it
 * drops RTX of rid streams). No transport-cc: werift's TWCC feedback does not drive Chrome's
 * estimator, and Chrome would wait for it instead of following REMB. goog-remb both ways: the SFU
 * steers publishers with REMB and hears subscribers' receive-side estimates as REMB. A subscriber's
 * peer may negotiate transport-cc (transportCc): werift then stamps transport-wide sequence numbers
 * on what it sends and Chrome answers with transport-wide feedback, which a send-side estimator
 * (GCC) needs; Chrome then sends no REMB on that connection.
 */
export function videoCodec(codec: VideoCodec, transportCc = false): RTCRtpCodecParameters {
  const rtcpFeedback = [useNACK(), usePLI(), useFIR(), useREMB(), ...(transportCc ? [useTWCC()] : [])];
  if (codec === 'VP8') return new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, rtcpFeedback });
  return new RTCRtpCodecParameters({
    mimeType: 'video/H264',
    clockRate: 90_000,
    rtcpFeedback,
    // Constrained baseline, packetization-mode 1 (FU-A/STAP-A): what Chrome's OpenH264 encoder sends.
    parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  });
}

export function videoHeaderExtensions(transportCc = false): RTCRtpHeaderExtensionParameters[] {
  // abs-send-time lets the subscriber's receive-side estimator produce REMB; rid routes simulcast.
  return [useSdesMid(), useSdesRTPStreamId(), useAbsSendTime(), ...(transportCc ? [useTransportWideCC()] : [])];
}

export interface IcePolicy {
  /** The one address the SFU gathers on and advertises (loopback, or a namespace address). */
  hostAddress: string;
}

export function peerConfig(codecs: readonly VideoCodec[], ice: IcePolicy, transportCc = false): Partial<PeerConfig> {
  return {
    codecs: { video: codecs.map((c) => videoCodec(c, transportCc)), audio: [] },
    headerExtensions: { video: videoHeaderExtensions(transportCc), audio: [] },
    iceServers: [],
    iceUseIpv6: false,
    iceUseTcp: false,
    iceTcpPassive: false,
    // Sockets bind to the host address; the extra address makes it a candidate even when it is loopback.
    iceInterfaceAddresses: { udp4: ice.hostAddress },
    iceAdditionalHostAddresses: [ice.hostAddress],
    bundlePolicy: 'max-bundle',
  };
}
