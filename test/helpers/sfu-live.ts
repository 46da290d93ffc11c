// Live SFU + browser sessions for the integration tests, and the process checks of their teardown.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { startBrowserSession } from '../../harness/browser/session.ts';
import type { BrowserPeerSpec, BrowserSession } from '../../harness/browser/session.ts';
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import type { RoomOptions } from '../../harness/sfu/index.ts';

export interface Live {
  sfu: Sfu;
  session: BrowserSession;
  /** When each peer joined, on the SFU's clock. */
  joinedAtMs(peerId: string): number;
  close(): Promise<void>;
}

export async function startLive(room: Omit<RoomOptions, 'token'>, peers: Omit<BrowserPeerSpec, 'room' | 'token'>[]): Promise<Live> {
  const sfu = new Sfu();
  const { url } = await sfu.start();
  sfu.createRoom('room', { token: 'tok', ...room });
  const originEpochMs = performance.timeOrigin + performance.now() - sfu.now();
  let session: BrowserSession;
  try {
    session = await startBrowserSession({ signalingUrl: url, originEpochMs, peers: peers.map((p) => ({ ...p, room: 'room', token: 'tok' })) });
  } catch (err) {
    await sfu.stop();
    throw err;
  }
  return {
    sfu,
    session,
    joinedAtMs(peerId) {
      const e = sfu.events.find((x) => x.kind === 'peer' && x.peerId === peerId && x.state === 'joined');
      if (!e || e.kind !== 'peer') throw new Error(`${peerId} never joined`);
      return e.tMs;
    },
    async close() {
      try {
        await session.close();
      } finally {
        await sfu.stop();
      }
    },
  };
}

/** The publisher's top layer: sent, at full size, with the encoder allowed (nearly) its ceiling. */
export function topLayerUp(s: PeerStatsSample | undefined, rid = 'h', ceilingBps = 2_000_000): boolean {
  const h = s?.outbound.find((o) => o.rid === rid);
  return !!h && h.active !== false && h.bitrateBps > 0 && h.frameWidth === 1280 && (h.targetBitrateBps ?? 0) >= 0.9 * ceilingBps;
}

/**
 * Processes left by a session: any whose command line names one of its profile directories, or that
 * sits in one of its browsers' process groups (puppeteer starts Chromium as a group leader).
 */
export function leftoverProcesses(userDataDirs: readonly string[], pids: readonly number[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // exited, waiting for init to reap it: not running
      const pgid = Number(fields[2]);
      if (userDataDirs.some((d) => cmd.includes(d)) || pids.includes(pgid)) out.push(`${entry}: ${cmd.slice(0, 120)}`);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** `pgrep -f chromium` lines whose command names one of the directories (what the brief asks to check). */
export function pgrepChromium(userDataDirs: readonly string[]): string[] {
  try {
    const lines = execFileSync('pgrep', ['-af', 'chromium'], { encoding: 'utf8' }).split('\n');
    return lines.filter((l) => userDataDirs.some((d) => l.includes(d)));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
