// The SFU's ICE sockets (werift internals): their receive buffers, and which local ports they are.
//
// The SFU's own UDP sockets must not drop what the scenario did not. werift binds its ICE sockets with the
// kernel's default receive buffer (net.core.rmem_default, 208 KiB here). When the SFU's event loop stalls
// (a loaded 2-core machine running Chromium's 720p encoders beside it), a publisher's 4-5 Mbps fills that in
// a few hundred ms and the kernel drops the rest: one 15 s 720p call counted 1065 drops on the SFU's socket
// (/proc/net/udp), which the SFU then measured as 48% uplink loss and answered with a lower REMB.

import type { Socket } from 'node:dgram';
import type { RTCPeerConnection } from 'werift';

/** What the SFU asks for; the kernel caps it at net.core.rmem_max (and doubles it for its bookkeeping). */
export const SFU_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** werift's ICE internals, private in its types: connection.protocols[].transport.socket. */
interface IceSockets {
  connection?: { protocols?: { transport?: { socket?: Socket } }[] };
}

const enlarged = new WeakSet<Socket>();

function iceSockets(pc: RTCPeerConnection): Socket[] {
  const sockets: Socket[] = [];
  for (const dtls of pc.dtlsTransports) {
    const ice = dtls.iceTransport as unknown as IceSockets;
    for (const protocol of ice.connection?.protocols ?? []) if (protocol.transport?.socket) sockets.push(protocol.transport.socket);
  }
  return sockets;
}

/** The local UDP ports the peer connection's ICE sockets are bound to (closed or unbound ones left out). */
export function icePorts(pc: RTCPeerConnection): number[] {
  const ports: number[] = [];
  for (const socket of iceSockets(pc)) {
    try {
      ports.push(socket.address().port);
    } catch {
      // Closed or not bound.
    }
  }
  return ports;
}

/**
 * Every UDP socket the peer connection gathered on, its receive buffer raised to `bytes` once. Call after
 * setLocalDescription (werift gathers inside it). Returns the sizes the kernel granted to newly raised sockets.
 */
export function enlargeReceiveBuffers(pc: RTCPeerConnection, bytes = SFU_RECEIVE_BUFFER_BYTES): number[] {
  const granted: number[] = [];
  for (const socket of iceSockets(pc)) {
    if (enlarged.has(socket)) continue;
    try {
      socket.setRecvBufferSize(bytes);
      enlarged.add(socket);
      granted.push(socket.getRecvBufferSize());
    } catch {
      // Not bound yet or already closed: the next call tries again.
    }
  }
  return granted;
}
