// Human units, parsed once at the edge: "5Mbps", "800kbps", "40ms", "1.5s", "0.5%", "64KB", "1280x720".
// Every parser returns a value or what it expected; the caller adds file, line and field.

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });
const finite = (value: number, expected: string): Parsed<number> => (Number.isFinite(value) ? ok(value) : fail(expected));

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;

/** The number as written and its unit; null for anything else (or a number that overflows). */
function split(text: string): { n: number; digits: string; unit: string } | null {
  const m = new RegExp(`^\\s*(${NUMBER})\\s*([a-zA-Z%/]*)\\s*$`).exec(text);
  if (!m || !Number.isFinite(Number(m[1]))) return null;
  return { n: Number(m[1]), digits: m[1], unit: m[2] };
}

/**
 * digits x 10^pow10 through the decimal text, so "1.1s" is exactly 1100 ms and "0.3%" the double
 * nearest 0.003 (1.1 * 1000 would be 1100.0000000000002, and a phase at "1.1s" would not start at
 * a handover written "1100ms").
 */
function shift(digits: string, pow10: number): number {
  const [mantissa, exp] = digits.split(/[eE]/);
  return Number(`${mantissa}e${Number(exp ?? 0) + pow10}`);
}

/** Powers of ten of bit/s. */
const RATE_UNITS: Record<string, number> = {
  bps: 0, 'bit/s': 0, 'b/s': 0,
  kbps: 3, 'kbit/s': 3, 'kb/s': 3,
  mbps: 6, 'mbit/s': 6, 'mb/s': 6,
  gbps: 9, 'gbit/s': 9, 'gb/s': 9,
};

/**
 * A bit rate in bit/s. A plain number is bit/s. A unit with a capital B (MBps, kBps, MBPS, MB/s, B/s) is
 * a byte rate: refused, since a bit/byte slip is a factor of 8. Otherwise case does not matter.
 */
export function parseRate(v: unknown): Parsed<number> {
  const expected = 'a rate like "5Mbps", "800kbps" or a number of bit/s';
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? ok(v) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p) return fail(expected);
  if (p.unit === '') return p.n >= 0 ? ok(p.n) : fail(expected);
  if (/^[kmgKMG]?B(ps|PS|\/s)$/.test(p.unit)) return fail(`${expected} (bits, not bytes: "${v}" reads as bytes per second)`);
  const pow10 = RATE_UNITS[p.unit.toLowerCase()];
  if (pow10 === undefined || p.n < 0) return fail(expected);
  return finite(shift(p.digits, pow10), expected);
}

/** Milliseconds per unit: a power of ten (exact through the decimal text), times a whole factor. */
const DURATION_UNITS: Record<string, { pow10: number; times: number }> = {
  ms: { pow10: 0, times: 1 },
  s: { pow10: 3, times: 1 },
  sec: { pow10: 3, times: 1 },
  min: { pow10: 3, times: 60 },
  h: { pow10: 3, times: 3600 },
};

/** A duration in milliseconds. A plain number is seconds. */
export function parseDurationMs(v: unknown): Parsed<number> {
  const expected = 'a duration like "40ms", "1.5s" or "2min" (a plain number is seconds)';
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? ok(v * 1000) : fail(expected);
  if (typeof v !== 'string') return fail(expected);
  const p = split(v);
  if (!p || p.n < 0) return fail(expected);
  if (p.unit === '') return finite(shift(p.digits, 3), expected);
  const u = DURATION_UNITS[p.unit.toLowerCase()];
  return u === undefined ? fail(expected) : finite(shift(p.digits, u.pow10) * u.times, expected);
}

/** A fraction 0..1. "0.5%" is 0.005; a plain number is already a fraction. */
export function parseFraction(v: unknown): Parsed<number> {
  const expected = 'a percentage like "0.5%" (or a fraction 0..1)';
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') {
    const p = split(v);
    if (!p || (p.unit !== '%' && p.unit !== '')) return fail(expected);
    x = p.unit === '%' ? shift(p.digits, -2) : p.n;
  } else return fail(expected);
  return Number.isFinite(x) && x >= 0 && x <= 1 ? ok(x) : fail(`${expected}, between 0% and 100%`);
}

/** Bytes per unit: a power of ten (exact through the decimal text), times a whole factor. */
const SIZE_UNITS: Record<string, { pow10: number; times: number }> = {
  b: { pow10: 0, times: 1 },
  kb: { pow10: 3, times: 1 },
  kib: { pow10: 0, times: 1024 },
  mb: { pow10: 6, times: 1 },
  mib: { pow10: 0, times: 1024 * 1024 },
};

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
  const u = SIZE_UNITS[p.unit.toLowerCase()];
  return u === undefined ? fail(expected) : finite(shift(p.digits, u.pow10) * u.times, expected);
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
