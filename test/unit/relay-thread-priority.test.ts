// The relay thread's priority: SCHED_FIFO, else nice -10, else normal; what it got is reported, never thrown.
import { describe, expect, it } from 'vitest';
import { getPriority } from 'node:os';
import { linuxThreadId, probeThreadPriority, raiseThreadPriority, RELAY_FIFO_PRIORITY, RELAY_HIGH_NICE, type PriorityDeps } from '../../harness/relay/thread-priority.ts';

function deps(over: Partial<PriorityDeps> = {}): PriorityDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    threadId: () => 4242,
    setFifo: (tid, prio) => {
      calls.push(`fifo ${tid} ${prio}`);
      return null;
    },
    setNice: (tid, nice) => {
      calls.push(`nice ${tid} ${nice}`);
    },
    ...over,
  };
}

const eperm = () => {
  throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
};

describe('raiseThreadPriority', () => {
  it('realtime: SCHED_FIFO on the calling thread only', async () => {
    const d = deps();
    expect(await raiseThreadPriority('realtime', d)).toEqual({ requested: 'realtime', applied: 'realtime', detail: `SCHED_FIFO ${RELAY_FIFO_PRIORITY}` });
    expect(d.calls).toEqual([`fifo 4242 ${RELAY_FIFO_PRIORITY}`]);
  });

  it('realtime refused: falls back to nice and says why', async () => {
    const d = deps({ setFifo: () => 'chrt: failed to set pid 4242\'s policy: Operation not permitted' });
    const r = await raiseThreadPriority('realtime', d);
    expect(r.applied).toBe('high');
    expect(r.detail).toMatch(/^SCHED_FIFO refused \(chrt: .*not permitted\); nice -10$/);
    expect(d.calls).toEqual([`nice 4242 ${RELAY_HIGH_NICE}`]);
  });

  it('both refused: normal priority, with both reasons, no throw', async () => {
    const r = await raiseThreadPriority('realtime', deps({ setFifo: () => 'chrt: ENOENT', setNice: eperm }));
    expect(r).toMatchObject({ requested: 'realtime', applied: 'normal' });
    expect(r.detail).toMatch(/SCHED_FIFO refused \(chrt: ENOENT\); nice -10 refused \(EPERM\)/);
  });

  it('high: nice only; normal: nothing; no thread id: normal', async () => {
    const d = deps();
    expect((await raiseThreadPriority('high', d)).applied).toBe('high');
    expect(d.calls).toEqual([`nice 4242 ${RELAY_HIGH_NICE}`]);
    const n = deps();
    expect((await raiseThreadPriority('normal', n)).applied).toBe('normal');
    expect(n.calls).toEqual([]);
    expect(await raiseThreadPriority('realtime', deps({ threadId: () => null }))).toMatchObject({ applied: 'normal', detail: expect.stringMatching(/no per-thread priority/) });
  });

  it.runIf(process.platform === 'linux')('reads the calling thread id from /proc (the main thread has the process id)', () => {
    expect(linuxThreadId()).toBe(process.pid);
  });

  it('probeThreadPriority asks in a throwaway worker and leaves the caller alone', async () => {
    const before = getPriority();
    const r = await probeThreadPriority('realtime');
    expect(r.requested).toBe('realtime');
    expect(['realtime', 'high', 'normal']).toContain(r.applied);
    expect(r.detail.length).toBeGreaterThan(0);
    expect(getPriority()).toBe(before);
    expect(await probeThreadPriority('normal')).toMatchObject({ applied: 'normal' });
  });
});
