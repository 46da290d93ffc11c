// The SFU's public surface (docs/signaling.md, docs/sfu.md).
export { Sfu, type SfuEvent, type SfuOptions } from './sfu.ts';
export { Room, type RoomOptions } from './room.ts';
export type * from './types.ts';
export { DEFAULT_CAPTURE, DEFAULT_LAYERS } from './types.ts';
export { CLOSE, parseClientMessage, type ClientMessage, type ServerMessage, type CandidateMessage } from './signaling/messages.ts';
export { directLink, filterSdpCandidates, candidateAddress, type LinkFactory, type PeerLink, type PeerLinkInfo, type Description } from './link.ts';
export { createRembRampEstimator, type UplinkEstimator, type UplinkContext, type UplinkEstimate, type RembRampOptions } from './uplink-estimator.ts';
export {
  createFixedEstimator,
  createReceiverRembEstimator,
  type DownlinkEstimator,
  type DownlinkEstimatorFactory,
  type DownlinkFeedback,
  type DownlinkEstimate,
  type SentPacket,
} from './downlink-estimator.ts';
export { twccPacketResults, type TwccFeedbackParts, type TwccPacketResult } from './rtp/twcc.ts';
export {
  bweDownlinkRoomOptions,
  createDownlinkEstimatorFromBwe,
  loadDownlinkEstimatorFactory,
  type BweAdapterOptions,
  type BweDownlinkEstimator,
} from './bwe-adapter.ts';
export { LayerForwarder, type ForwardCodec, type InboundPacket, type OutboundPacket } from './layer-forwarder.ts';
