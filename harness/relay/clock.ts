// The relay's clock: ms since t0, where t0 is a process.hrtime.bigint() reading. hrtime is one monotonic
// clock for every thread of the process, so the main thread, the relay worker and any traffic generator
// agree on "now". Reads go through performance.now() (a float, no BigInt per packet), aligned to hrtime once.

/**
 * The offset that maps this thread's performance.now() onto hrtime, in ms. The first reads of either clock
 * can take ~1 ms (lazy set-up), so both are warmed up and the alignment uses the tightest of a few
 * bracketed samples (performance.now, hrtime, performance.now).
 */
export function performanceToHrtimeOffsetMs(): number {
  for (let i = 0; i < 3; i++) {
    performance.now();
    process.hrtime.bigint();
  }
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 9; i++) {
    const a = performance.now();
    const h = Number(process.hrtime.bigint()) / 1e6;
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = h - (a + b) / 2;
    }
  }
  return offset;
}

/** A clock reading ms since t0Ns (a process.hrtime.bigint() value). */
export function clockSince(t0Ns: bigint): () => number {
  const offsetMs = performanceToHrtimeOffsetMs() - Number(t0Ns) / 1e6;
  return () => performance.now() + offsetMs;
}
