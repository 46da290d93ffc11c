// CPU priority of the relay's thread. On a machine whose cores are busy with other work (Chromium encoding,
// ffmpeg, a test runner), a woken thread at normal priority waits its turn behind them: the relay's release
// error p99 measured 1-7 ms on a loaded 2-core VM, against 0.1-0.2 ms for the same thread under SCHED_FIFO
// (bench/link-accuracy.bench.ts). So the relay's worker asks for a real-time policy for itself only (not the
// process), falling back to a higher nice value, then to nothing; what it got is reported, never fatal.
// Safe as real-time: the scheduler sleeps (timers, 0.1 ms futex naps) all but the last busyWaitMs before each
// release, and the kernel's RT throttling keeps 5% of every core for normal threads anyway.
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** realtime: SCHED_FIFO, else nice -10; high: nice -10; normal: leave the thread alone. */
export type ThreadPriority = 'realtime' | 'high' | 'normal';

export interface ThreadPriorityResult {
  requested: ThreadPriority;
  applied: ThreadPriority;
  /** What was done, or why not (shown by `netqoe link` and the bench). */
  detail: string;
}

/** SCHED_FIFO priority (1-99): above every normal thread, below the kernel's own RT threads (50+). */
export const RELAY_FIFO_PRIORITY = 10;
export const RELAY_HIGH_NICE = -10;

export interface PriorityDeps {
  /** Linux thread id of the calling thread, or null where there is none to address. */
  threadId(): number | null;
  /** Sets SCHED_FIFO at `priority` on thread `tid`; resolves to an error message, or null on success. */
  setFifo(tid: number, priority: number): string | null | Promise<string | null>;
  /** Sets thread `tid`'s nice value; throws on failure. */
  setNice(tid: number, nice: number): void;
}

/** The calling thread's id: /proc/thread-self links to "<pid>/task/<tid>" (Linux only). */
export function linuxThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * util-linux's chrt: Node has no binding for sched_setscheduler, and chrt -p acts on one thread. Run without
 * blocking: starting a process takes 50-200 ms on a loaded machine, and the relay's clock is already running.
 */
function chrtFifo(tid: number, priority: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('chrt', ['--fifo', '--pid', String(priority), String(tid)], { encoding: 'utf8', timeout: 5000 }, (err, _stdout, stderr) => {
      if (!err) return resolve(null);
      const code = (err as NodeJS.ErrnoException).code;
      resolve(`chrt: ${typeof code === 'string' ? code : (stderr || err.message).trim().split('\n')[0]}`);
    });
  });
}

export const systemPriorityDeps: PriorityDeps = {
  threadId: linuxThreadId,
  setFifo: chrtFifo,
  // On Linux setpriority(PRIO_PROCESS, tid) changes that one thread.
  setNice: (tid, nice) => setPriority(tid, nice),
};

/** Raises the calling thread's priority as far as `requested` and the OS allow. Never rejects. */
export async function raiseThreadPriority(requested: ThreadPriority, deps: PriorityDeps = systemPriorityDeps): Promise<ThreadPriorityResult> {
  if (requested === 'normal') return { requested, applied: 'normal', detail: 'normal priority (as asked)' };
  const tid = deps.threadId();
  if (tid === null) return { requested, applied: 'normal', detail: 'normal priority: no per-thread priority on this OS' };
  let fifoError: string | null = null;
  if (requested === 'realtime') {
    fifoError = await deps.setFifo(tid, RELAY_FIFO_PRIORITY);
    if (fifoError === null) return { requested, applied: 'realtime', detail: `SCHED_FIFO ${RELAY_FIFO_PRIORITY}` };
  }
  const why = fifoError ? `SCHED_FIFO refused (${fifoError}); ` : '';
  try {
    deps.setNice(tid, RELAY_HIGH_NICE);
    return { requested, applied: 'high', detail: `${why}nice ${RELAY_HIGH_NICE}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { requested, applied: 'normal', detail: `${why}nice ${RELAY_HIGH_NICE} refused (${code}): normal priority, timing follows the machine's load` };
  }
}

/**
 * What a relay thread would get here, asked in a throwaway worker thread (the caller's own priority is left
 * alone): for `netqoe doctor`.
 */
export async function probeThreadPriority(requested: ThreadPriority = 'realtime'): Promise<ThreadPriorityResult> {
  const { Worker } = await import('node:worker_threads');
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then((m) => m.raiseThreadPriority(workerData.requested)).then((r) => parentPort.postMessage(r));`;
  const w = new Worker(code, { eval: true, workerData: { module: import.meta.url, requested } });
  try {
    return await new Promise<ThreadPriorityResult>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  } finally {
    await w.terminate();
  }
}
