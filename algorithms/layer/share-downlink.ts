// Source: issue 5 audit, item 1 (several publishers share one subscriber's downlink); the rule is this project's own.
//
// One subscriber's downlink estimate is one budget for all the publishers it receives. The rule:
// 1. Every feed starts at its lowest candidate layer.
// 2. Round-robin from the lowest: the feed on the lowest step (ties: the first feed, in join order)
//    goes up one step when the sum of every feed's layer rate still fits the budget; a feed whose
//    next step does not fit is set aside until some other feed's step lowers the sum (a measured
//    rate may be lower above), and the loop ends when no feed can go up.
//    So: the sum never exceeds the budget unless every feed is at its lowest layer; no feed can go one
//    layer up without breaking the budget; and feeds with the same ladder whose steps cost at least as
//    much going up (any usual simulcast ladder: 150 kbps / 500 kbps / 2 Mbps) differ by at most one layer.
// 3. The budget is the part of the estimate the selectors let a layer use (their budgetFraction f,
//    highest-fit's 0.9; 1 when they do not say): budget = f x estimate. Each feed's share is its layer's
//    rate plus an equal part of what is left of the budget, divided by f, so the shares add up to the
//    estimate and f x share covers the allocated layer (a single feed gets the whole estimate); when
//    even the lowest layers do not fit, the estimate is split in proportion to them. The feed's layer
//    selector gets its share as its estimate, applies its own headroom and hysteresis within it, and
//    the SFU forwards at most the allocated layer.

import { formatRate } from './common.ts';

export interface FeedLadder {
  /** The layers the feed may use, ascending: index into the publisher's layers and the rate it needs. */
  options: readonly { layer: number; rateBps: number }[];
}

export interface FeedShare {
  /** The allocated layer (index into the publisher's layers); -1 for a feed with no options. */
  layer: number;
  /** Its rate. */
  rateBps: number;
  /** The part of the budget the feed's selector is given. */
  shareBps: number;
}

/** Step (index into options) per feed: the greedy round-robin allocation described above. */
export function allocateSteps(budgetBps: number, feeds: readonly FeedLadder[]): number[] {
  const steps = feeds.map(() => 0);
  const rate = (i: number) => feeds[i].options[steps[i]]?.rateBps ?? 0;
  let sum = feeds.reduce((s, _, i) => s + rate(i), 0);
  const setAside = new Set<number>();
  for (;;) {
    let pick = -1;
    for (let i = 0; i < feeds.length; i++) {
      if (setAside.has(i) || steps[i] + 1 >= feeds[i].options.length) continue;
      if (pick < 0 || steps[i] < steps[pick]) pick = i;
    }
    if (pick < 0) return steps;
    const next = sum - rate(pick) + feeds[pick].options[steps[pick] + 1].rateBps;
    if (next <= budgetBps) {
      const lowered = next < sum;
      steps[pick]++;
      sum = next;
      if (lowered) setAside.clear(); // the sum went down: a step set aside may fit now
    } else setAside.add(pick);
  }
}

/** usableFraction: the selectors' budgetFraction (0 < f <= 1; default 1). */
export function shareDownlink(estimateBps: number, feeds: readonly FeedLadder[], usableFraction = 1): FeedShare[] {
  const f = usableFraction > 0 && usableFraction <= 1 ? usableFraction : 1;
  const estimate = Math.max(0, estimateBps);
  const budget = f * estimate;
  const steps = allocateSteps(budget, feeds);
  const picked = feeds.map((feed, i) => feed.options[steps[i]] ?? { layer: -1, rateBps: 0 });
  const sum = picked.reduce((s, p) => s + p.rateBps, 0);
  return picked.map((p) => ({
    layer: p.layer,
    rateBps: p.rateBps,
    shareBps: sum <= budget ? (p.rateBps + (budget - sum) / feeds.length) / f : sum > 0 ? (estimate * p.rateBps) / sum : 0,
  }));
}

/**
 * The layer forwarded for one feed: the selector's choice, at most the allocated layer. The selector's
 * reason is kept; with several feeds it says the share, and when the allocation lowered the choice, why.
 */
export function layerWithinShare(
  chosen: number,
  selectorReason: string,
  share: FeedShare,
  ctx: { feeds: number; estimateBps: number; rids: readonly string[] },
): { layer: number; reason: string; capped: boolean } {
  const capped = share.layer >= 0 && chosen > share.layer;
  const layer = capped ? share.layer : chosen;
  let reason = selectorReason;
  if (ctx.feeds > 1) reason += ` [share ${formatRate(share.shareBps)} of ${formatRate(ctx.estimateBps)} for ${ctx.feeds} feeds]`;
  if (capped) reason += `; ${ctx.rids[chosen] ?? `#${chosen}`} does not fit the split: ${ctx.rids[layer] ?? `#${layer}`} (allocated ${formatRate(share.rateBps)})`;
  return { layer, reason, capped };
}
