// Source: an example user bandwidth estimator for netqoe ("received-rate"); copy it and make it yours.
//
// Run it in a scenario:   algorithms: { bwe: [gcc, ./my-bwe.ts] }   (relative to the scenario file)
//
// The file exports a BweFactory as its default export: a name, where the idea comes from, a one-line
// description, and create(), called once per session, so any state lives in the closure. decide(ctx) is
// called whenever feedback arrives (and at least every ~100 ms) with the per-packet results and receiver
// reports received since the previous call; it returns the rate to send at and a reason, which the
// report shows. The same object runs in the simulator (harness/bwe-sim) and in the SFU.

import type { BweContext, BweDecision, BweFactory } from 'netqoe/algorithms/bwe/types.ts';

const myBwe: BweFactory = {
  name: 'received-rate',
  source: 'examples/my-bwe.ts',
  description: '1.1 x the rate received over the last second, 0.8 x when more than 5% of it was lost',
  create(opts = {}) {
    let targetBps = opts.startBps ?? 300_000;
    // Per-packet results of the last second, by when they were reported.
    const recent: { tMs: number; bytes: number; lost: boolean; arrivalMs: number }[] = [];
    return {
      name: 'received-rate',
      applies: 'target',
      decide(ctx: BweContext): BweDecision {
        for (const p of ctx.packets) recent.push({ tMs: ctx.tMs, bytes: p.bytes, lost: p.arrivalTimeMs === null, arrivalMs: p.arrivalTimeMs ?? 0 });
        while (recent.length > 0 && recent[0].tMs < ctx.tMs - 1000) recent.shift();
        const got = recent.filter((p) => !p.lost);
        if (got.length < 10) return { targetBps, reason: `too little feedback (${got.length} packets): keep ${Math.round(targetBps / 1000)} kbps` };
        const spanMs = Math.max(1, Math.max(...got.map((p) => p.arrivalMs)) - Math.min(...got.map((p) => p.arrivalMs)));
        const receivedBps = (got.reduce((s, p) => s + p.bytes, 0) * 8000) / spanMs;
        const loss = 1 - got.length / recent.length;
        targetBps = Math.max(50_000, loss > 0.05 ? 0.8 * receivedBps : 1.1 * receivedBps);
        return { targetBps, reason: `received ${Math.round(receivedBps / 1000)} kbps, loss ${(loss * 100).toFixed(1)}%: ${loss > 0.05 ? 'x0.8' : 'x1.1'}` };
      },
    };
  },
};

export default myBwe;
