// Worker-thread entry of the relay (started by startRelay in relay.ts). The relay runs in a worker thread
// rather than in the caller's thread because its timing must not depend on the caller's load: the harness's
// main thread also drives browsers over CDP, parses stats and writes results, and any of that (or a GC pause
// of its heap) would delay releases by milliseconds. A worker has its own event loop and its own V8 heap, so
// only the OS scheduler stands between it and the clock. It is preferred to a child process because it
// starts in a few ms, shares the process's monotonic clock (hrtime) for a common time 0, and cannot outlive
// the harness: when the harness dies the relay dies, so no stray relay keeps forwarding (or silently stops).
import { parentPort, workerData } from 'node:worker_threads';
import { RelayCore } from './relay-core.ts';
import { raiseThreadPriority } from './thread-priority.ts';
import type { RelayMessage, RelayRequest, RelayWorkerConfig } from './types.ts';

const port = parentPort;
if (!port) throw new Error('relay-worker.ts runs only as a worker thread (startRelay in harness/relay/relay.ts)');

const post = (m: RelayMessage) => port.postMessage(m);
const config = workerData as RelayWorkerConfig;

// A failure here (a scenario the model cannot build) surfaces as the worker's 'error' event.
const core = new RelayCore(config, {
  samples: (samples) => post({ type: 'samples', samples }),
  addressChange: (event) => post({ type: 'addressChange', event }),
});

port.on('message', async (req: RelayRequest) => {
  try {
    let value: unknown;
    switch (req.op) {
      case 'addUdp':
        value = await core.addUdp(req.listenPort, req.target);
        break;
      case 'addTcp':
        value = await core.addTcp(req.listenPort, req.target);
        break;
      case 'counters':
        value = core.counters();
        break;
      case 'close':
        value = core.close();
        post({ type: 'reply', id: req.id, ok: true, value });
        port.close();
        // Sockets close asynchronously; should any handle linger, end the thread anyway.
        setTimeout(() => process.exit(0), 1000).unref();
        return;
    }
    post({ type: 'reply', id: req.id, ok: true, value });
  } catch (err) {
    const e = err as Error & { exitCode?: number; code?: string };
    post({ type: 'reply', id: req.id, ok: false, error: e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message, exitCode: e.exitCode });
  }
});

post({ type: 'ready' });
// After 'ready': mappings can be added meanwhile (the clock has been running since startRelay).
void raiseThreadPriority(config.priority).then((priority) => post({ type: 'priority', priority }));
