// Source: an example user algorithm for netqoe ("buffer-proportional"); copy it and make it yours.
//
// Run it:   npx netqoe run scenarios/step-down-up.yaml --abr ./examples/my-abr.ts
// or list it in a scenario:   algorithms: { abr: [bba, ./my-abr.ts] }   (relative to the scenario file)
//
// The file exports an AbrFactory as its default export: a name, where the idea comes from, a one-line
// description, and create(), called once per session, so any state lives in the closure and no two
// sessions share it. choose(ctx) runs before each segment request and returns the rung index
// (0 = lowest bitrate) and a reason, which the report shows when you hover over the decision.

import type { AbrContext, AbrDecision, AbrFactory } from 'netqoe/algorithms/abr/types.ts';

const myAbr: AbrFactory = {
  name: 'buffer-proportional',
  source: 'examples/my-abr.ts',
  description: 'the rung in proportion to how full the buffer is, capped by 0.8 x the last download',
  create() {
    return {
      name: 'buffer-proportional',
      choose(ctx: AbrContext): AbrDecision {
        const top = ctx.ladder.length - 1;
        // The buffer alone: an empty buffer asks for rung 0, a full one for the top rung.
        const fullness = Math.min(1, ctx.bufferS / ctx.bufferMaxS);
        const byBuffer = Math.floor(fullness * top + 1e-9);
        // Never more than 80% of what the last download achieved (none yet: no cap).
        const last = ctx.throughputHistory[ctx.throughputHistory.length - 1];
        let quality = byBuffer;
        if (last) {
          while (quality > 0 && ctx.ladder[quality].bitrateBps > 0.8 * last.bps) quality--;
        }
        const capped = quality < byBuffer ? `, capped by 0.8 x last ${(last!.bps / 1e6).toFixed(2)} Mbps` : '';
        return { quality, reason: `buffer ${Math.round(fullness * 100)}% full -> rung ${byBuffer}${capped}` };
      },
    };
  },
};

export default myAbr;
