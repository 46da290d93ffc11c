// Human units, parsed once at the edge: "5Mbps", "800kbps", "40ms", "1.5s", "0.5%", "64KB", "1280x720".
// Every parser returns a value or what it expected; the caller adds file, line and field.

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;

function split(text: string): { n: number; unit: string } | null {
  const m = new RegExp(`^\\s*(${NUMBER})\\s*([a-zA-Z%/]*)\\s*$`).exec(text);
  if (!m) return null;
  return { n: Number(m[1]), unit: m[2] };
}

const RATE_UNITS: Record<string, number> = {
  bps: 1, 'bit/s': 1, 'b/s': 1,
  kbps: 1e3, 'kbit/s': 1e3, 'kb/s': 1e3,
  mbps: 1e6, 'mbit/s': 1e6, 'mb/s': 1e6,
  gbps: 1e9, 'gbit/s': 1e9, 'gb/s': 1e9,
};

/** A bit rate in bit/s. A plain number is bit/s. Byte rates (MB/s, MBps) are refused as ambiguous. */
export function parseRate(v: unknown): Parsed<number> {
  const expected = 'a rate like "5Mbps", "800kbps" or a number of bit/s';
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? ok(v) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p) return fail(expected);
  if (p.unit === '') return p.n >= 0 ? ok(p.n) : fail(expected);
  if (/^[kmg]?Bps$|^[KMG]B\/s$/.test(p.unit)) return fail(`${expected} (bits, not bytes: "${v}" reads as bytes per second)`);
  const f = RATE_UNITS[p.unit.toLowerCase()];
  if (f === undefined || p.n < 0) return fail(expected);
  return ok(p.n * f);
}

const DURATION_UNITS_S: Record<string, number> = { ms: 1e-3, s: 1, sec: 1, min: 60, h: 3600 };

/** A duration in milliseconds. A plain number is seconds. */
export function parseDurationMs(v: unknown): Parsed<number> {
  const expected = 'a duration like "40ms", "1.5s" or "2min" (a plain number is seconds)';
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? ok(v * 1000) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p || p.n < 0) return fail(expected);
  if (p.unit === '') return ok(p.n * 1000);
  const f = DURATION_UNITS_S[p.unit.toLowerCase()];
  return f === undefined ? fail(expected) : ok(p.n * f * 1000);
}

/** A fraction 0..1. "0.5%" is 0.005; a plain number is already a fraction. */
export function parseFraction(v: unknown): Parsed<number> {
  const expected = 'a percentage like "0.5%" (or a fraction 0..1)';
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') {
    const p = split(v);
    if (!p || (p.unit !== '%' && p.unit !== '')) return fail(expected);
    x = p.unit === '%' ? p.n / 100 : p.n;
  } else return fail(expected);
  return Number.isFinite(x) && x >= 0 && x <= 1 ? ok(x) : fail(`${expected}, between 0% and 100%`);
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 * 1024 };

/** A size in bytes: "1500B", "64KB" (1000 B), "64KiB" (1024 B), "1.5MB". A plain number is bytes. */
export function parseSizeBytes(v: unknown): Parsed<number> {
  const expected = 'a size like "64KB", "1.5MB" or "1500B"';
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? ok(v) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p || p.n < 0) return fail(expected);
  if (p.unit === '') return ok(p.n);
  // "kb" would read as kilobits elsewhere; sizes are bytes, so only B-suffixed units.
  if (!/B$/.test(p.unit)) return fail(expected);
  const f = SIZE_UNITS[p.unit.toLowerCase()];
  return f === undefined ? fail(expected) : ok(p.n * f);
}

export type QueueLimit = { limit: number; unit: 'packets' | 'bytes' | 'ms' };

/** A drop-tail limit: packets (a plain number or "100packets"), a size ("64KB") or a time ("200ms"). */
export function parseQueue(v: unknown): Parsed<QueueLimit> {
  const expected = 'a queue limit: packets (100), a size ("64KB") or a time ("200ms")';
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? ok({ limit: v, unit: 'packets' }) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p || p.n <= 0) return fail(expected);
  if (p.unit === '' || /^(packets?|pkts?|p)$/i.test(p.unit)) return Number.isInteger(p.n) ? ok({ limit: p.n, unit: 'packets' }) : fail(expected);
  const size = parseSizeBytes(v);
  if (size.ok) return ok({ limit: size.value, unit: 'bytes' });
  const d = parseDurationMs(v);
  if (d.ok && p.unit !== '') return ok({ limit: d.value, unit: 'ms' });
  return fail(expected);
}

/** "1280x720" -> width and height. */
export function parseResolution(v: unknown): Parsed<{ width: number; height: number }> {
  const expected = 'a resolution like "1280x720"';
  if (typeof v !== 'string') return fail(expected);
  const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(v);
  if (!m) return fail(expected);
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 ? ok({ width, height }) : fail(expected);
}
