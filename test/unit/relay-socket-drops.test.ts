// SocketDropMeter: the kernel's cumulative per-socket drop counters turned into per-direction counts.
import { describe, expect, it } from 'vitest';
import { DirectionStats } from '../../harness/relay/direction-stats.ts';
import { SocketDropMeter } from '../../harness/relay/socket-drops.ts';

function meter(tables: (Map<number, number> | null)[]) {
  const stats = { down: new DirectionStats('down'), up: new DirectionStats('up') };
  let i = 0;
  return { stats, m: new SocketDropMeter(() => tables[Math.min(i++, tables.length - 1)], stats) };
}
const ctx = { phase: 'p', inOutage: false, deliverableBytes: 0 };

describe('SocketDropMeter', () => {
  it("counts each socket's rise once, by the direction it receives, in totals and the window", () => {
    const { stats, m } = meter([new Map([[5000, 3], [6000, 1], [7000, 50]]), new Map([[5000, 10], [6000, 1], [7000, 99]])]);
    const ports = [{ port: 5000, direction: 'up' as const }, { port: 6000, direction: 'down' as const }];
    m.poll(ports);
    expect(stats.up.counters().socketDrops).toBe(3);
    expect(stats.down.counters().socketDrops).toBe(1);
    expect(stats.up.closeWindow(1000, 1000, ctx).droppedSocket).toBe(3);
    m.poll(ports);
    // Port 7000 is not the relay's: never counted. The window holds only the new rise.
    expect(stats.up.counters().socketDrops).toBe(10);
    expect(stats.down.counters().socketDrops).toBe(1);
    expect(stats.up.closeWindow(2000, 1000, ctx).droppedSocket).toBe(7);
    expect(stats.up.counters().in.packets).toBe(0); // kernel drops never reached the model
  });

  it('a port taken over by a new socket counts from 0; a forgotten port starts over', () => {
    const { stats, m } = meter([new Map([[5000, 8]]), new Map([[5000, 2]]), new Map([[5000, 5]])]);
    const up = [{ port: 5000, direction: 'up' as const }];
    m.poll(up); // 8
    m.poll(up); // new socket, 2
    expect(stats.up.counters().socketDrops).toBe(10);
    m.poll([]); // closed: forgotten (no socket: the table is not read)
    m.poll(up); // a new socket again, at 5
    expect(stats.up.counters().socketDrops).toBe(15);
  });

  it('counts nothing where the table cannot be read (not Linux)', () => {
    const { stats, m } = meter([null]);
    m.poll([{ port: 1, direction: 'up' }]);
    expect(stats.up.counters().socketDrops).toBe(0);
  });
});

describe('netqoe link shows them', () => {
  it('in the per-second line and, with a warning, in the totals; nothing extra when 0', async () => {
    const { formatSampleLine, formatTotals } = await import('../../harness/cli/commands/link.ts');
    const stats = { down: new DirectionStats('down'), up: new DirectionStats('up') };
    const counters = () => ({ tMs: 1000, down: stats.down.counters(), up: stats.up.counters(), udpFlows: 1, tcpConnections: 0, tcpResets: 0, addressChanges: 0, threadCpuMs: 1, threadWallMs: 1000 });
    expect(formatTotals(counters())).not.toContain('warning');
    expect(formatSampleLine(stats.up.closeWindow(1000, 1000, ctx))).not.toContain('socket');
    stats.up.socketDropped(42);
    expect(formatSampleLine(stats.up.closeWindow(2000, 1000, ctx))).toContain('socket 42');
    expect(formatTotals(counters())).toContain("warning: the kernel dropped 42 datagrams on the relay's own sockets (up 42, down 0)");
  });
});
