// Human units of the scenario format: a value written with a unit parses back to the value in base units.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseFraction, parseQueue, parseRate, parseResolution, parseSizeBytes, type Parsed } from '../../harness/scenario/units.ts';

const value = <T>(r: Parsed<T>): T => {
  if (!r.ok) throw new Error(`expected a value, got a refusal: ${r.expected}`);
  return r.value;
};
const refusal = <T>(r: Parsed<T>): string => {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return r.expected;
};

/** Whole numbers in base units up to 10^12 (a terabit, 30 years in ms). */
const whole = fc.integer({ min: 0, max: 1e12 });
/** Any finite non-negative double a person might write, printed the way JS prints it (1e-7, 1.5e+21 included). */
const real = fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
/** Upper, lower and mixed case of a unit: every unit but the byte-rate ones is case-insensitive. */
const anyCase = (unit: string) => fc.constantFrom(unit, unit.toLowerCase(), unit.toUpperCase());
const space = fc.constantFrom('', ' ', '  ');

describe('rates', () => {
  const units = [
    ['bps', 1],
    ['kbps', 1e3],
    ['Mbps', 1e6],
    ['Gbps', 1e9],
    ['kbit/s', 1e3],
    ['Mbit/s', 1e6],
    ['Mb/s', 1e6],
  ] as const;

  it('a whole number of bit/s written in any unit parses back exactly', () => {
    fc.assert(
      fc.property(whole, fc.constantFrom(...units), space, (bps, [unit, f], sp) => {
        expect(value(parseRate(`${bps / f}${sp}${unit}`))).toBe(bps);
      }),
    );
  });

  it('any value written with a unit is that value times the unit', () => {
    fc.assert(
      fc.property(real, fc.constantFrom(...units), (x, [unit, f]) => {
        expect(close(value(parseRate(`${x}${unit}`)), x * f)).toBe(true);
      }),
    );
  });

  it('plain numbers and unit-less strings are bit/s', () => {
    fc.assert(
      fc.property(real, (x) => {
        expect(value(parseRate(x))).toBe(x);
        expect(value(parseRate(String(x)))).toBe(x);
      }),
    );
  });

  it('bit-rate units ignore case', () => {
    fc.assert(
      fc.property(whole, fc.constantFrom(['bps', 1], ['kbps', 1e3], ['mbps', 1e6], ['gbps', 1e9]), (bps, [unit, f]) => {
        // "Bps" (capital B) alone is bytes per second, refused below.
        const variants = [unit, unit.toUpperCase().replace('BPS', 'bps'), unit[0].toUpperCase() + unit.slice(1)].filter((u) => u !== 'Bps');
        for (const u of variants) {
          expect(value(parseRate(`${bps / f}${u}`))).toBe(bps);
        }
      }),
    );
  });

  it('byte rates are refused with the bits-not-bytes hint', () => {
    fc.assert(
      fc.property(real, fc.constantFrom('', 'k', 'K', 'm', 'M', 'g', 'G'), fc.constantFrom('Bps', 'BPS', 'B/s'), (x, prefix, rest) => {
        const text = `${x}${prefix}${rest}`;
        expect(refusal(parseRate(text))).toContain(`bits, not bytes: "${text}" reads as bytes per second`);
      }),
    );
    expect(refusal(parseRate('5MBps'))).toBe('a rate like "5Mbps", "800kbps" or a number of bit/s (bits, not bytes: "5MBps" reads as bytes per second)');
  });

  it('negative rates, unknown units and non-numbers are refused', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e12, noNaN: true }), fc.constantFrom('bps', 'kbps', 'Mbps', ''), (x, unit) => {
        expect(refusal(parseRate(`-${x}${unit}`))).toBe('a rate like "5Mbps", "800kbps" or a number of bit/s');
        if (unit === '') expect(parseRate(-x).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(
        real,
        fc.stringMatching(/^[a-zA-Z]{1,6}$/).filter((u) => !['bps', 'kbps', 'mbps', 'gbps'].includes(u.toLowerCase()) && !/^[kmg]?b(ps)?$/i.test(u)),
        (x, unit) => {
          expect(parseRate(`${x}${unit}`).ok).toBe(false);
        },
      ),
    );
    for (const bad of ['', 'fast', '5 Mbps Mbps', 'Mbps', '1e999bps', null, true, [5], { bps: 5 }, Number.NaN, Infinity]) {
      expect(parseRate(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('durations', () => {
  it('a whole number of ms written in ms, s or min parses back exactly', () => {
    fc.assert(
      fc.property(whole, space, (ms, sp) => {
        expect(value(parseDurationMs(`${ms}${sp}ms`))).toBe(ms);
        expect(value(parseDurationMs(`${ms / 1000}${sp}s`))).toBe(ms);
        expect(value(parseDurationMs(`${ms / 1000}`))).toBe(ms); // a plain number is seconds
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e7 }), (tenthsOfMin) => {
        expect(value(parseDurationMs(`${tenthsOfMin / 10}min`))).toBe(tenthsOfMin * 6000);
      }),
    );
  });

  it('any value with a unit is that value times the unit; a plain number is seconds', () => {
    fc.assert(
      fc.property(real, fc.constantFrom(['ms', 1], ['s', 1000], ['sec', 1000], ['min', 60_000], ['h', 3_600_000]), (x, [unit, f]) => {
        expect(close(value(parseDurationMs(`${x}${unit}`)), x * f)).toBe(true);
        expect(close(value(parseDurationMs(`${x}${unit.toUpperCase()}`)), x * f)).toBe(true);
        expect(close(value(parseDurationMs(x)), x * 1000)).toBe(true);
      }),
    );
  });

  it('negative durations and unknown units are refused', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), fc.constantFrom('ms', 's', 'min', ''), (x, unit) => {
        expect(refusal(parseDurationMs(`-${x}${unit}`))).toBe('a duration like "40ms", "1.5s" or "2min" (a plain number is seconds)');
        expect(parseDurationMs(-x).ok).toBe(false);
      }),
    );
    for (const bad of ['5 days', '5m', '5us', '5%', 'soon', '', null, {}, Number.NaN]) expect(parseDurationMs(bad).ok, String(bad)).toBe(false);
  });
});

describe('percentages', () => {
  it('k/100 % is exactly k/10000 (0% to 100%)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), space, (k, sp) => {
        expect(value(parseFraction(`${k / 100}${sp}%`))).toBe(k / 10_000);
      }),
    );
  });

  it('plain numbers and unit-less strings are fractions 0..1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        expect(value(parseFraction(x))).toBe(x);
        expect(value(parseFraction(String(x)))).toBe(x);
      }),
    );
  });

  it('above 100% (or a fraction above 1) and below 0 are refused', () => {
    fc.assert(
      fc.property(fc.double({ min: 100.001, max: 1e9, noNaN: true }), (pct) => {
        expect(refusal(parseFraction(`${pct}%`))).toBe('a percentage like "0.5%" (or a fraction 0..1), between 0% and 100%');
        expect(parseFraction(pct / 100).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 100, noNaN: true }), (pct) => {
        expect(parseFraction(`-${pct}%`).ok).toBe(false);
        expect(parseFraction(-pct / 100).ok).toBe(false);
      }),
    );
    for (const bad of ['12x', '5 percent', '%', '', null, [1]]) expect(parseFraction(bad).ok, String(bad)).toBe(false);
  });
});

describe('sizes', () => {
  it('a whole number of bytes written in B, KB, MB parses back exactly; KiB and MiB are powers of 2', () => {
    fc.assert(
      fc.property(whole, space, (bytes, sp) => {
        expect(value(parseSizeBytes(`${bytes}${sp}B`))).toBe(bytes);
        expect(value(parseSizeBytes(`${bytes / 1000}${sp}KB`))).toBe(bytes);
        expect(value(parseSizeBytes(`${bytes / 1000}kB`))).toBe(bytes);
        expect(value(parseSizeBytes(`${bytes / 1e6}MB`))).toBe(bytes);
        expect(value(parseSizeBytes(bytes))).toBe(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (n) => {
        expect(value(parseSizeBytes(`${n}KiB`))).toBe(n * 1024);
        expect(value(parseSizeBytes(`${n}MiB`))).toBe(n * 1024 * 1024);
      }),
    );
  });

  it('sizes are bytes only: lower-case b, bit units, negative values are refused', () => {
    fc.assert(
      fc.property(real, fc.constantFrom('b', 'kb', 'Kb', 'Mb', 'kbit', 'GB', 'bytes'), (x, unit) => {
        expect(refusal(parseSizeBytes(`${x}${unit}`))).toBe('a size like "64KB", "1.5MB" or "1500B"');
      }),
    );
    fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), (x) => {
      expect(parseSizeBytes(`-${x}KB`).ok).toBe(false);
    }));
  });
});

describe('queue limits', () => {
  it('packets: a positive integer, bare or with a packet unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.constantFrom('', 'packets', 'packet', 'pkts', 'pkt', 'p', ' packets', 'PACKETS'), (n, unit) => {
        expect(value(parseQueue(`${n}${unit}`))).toEqual({ limit: n, unit: 'packets' });
        expect(value(parseQueue(n))).toEqual({ limit: n, unit: 'packets' });
      }),
    );
  });

  it('bytes: a size; ms: a duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (n) => {
        expect(value(parseQueue(`${n / 1000}KB`))).toEqual({ limit: n, unit: 'bytes' });
        expect(value(parseQueue(`${n}B`))).toEqual({ limit: n, unit: 'bytes' });
        expect(value(parseQueue(`${n}KiB`))).toEqual({ limit: n * 1024, unit: 'bytes' });
        expect(value(parseQueue(`${n}ms`))).toEqual({ limit: n, unit: 'ms' });
        expect(value(parseQueue(`${n / 1000}s`))).toEqual({ limit: n, unit: 'ms' });
      }),
    );
  });

  it('zero, negative, fractional packet counts and unknown units are refused', () => {
    const expected = 'a queue limit: packets (100), a size ("64KB") or a time ("200ms")';
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)), (x) => {
        expect(refusal(parseQueue(x))).toBe(expected);
        expect(refusal(parseQueue(`${x}packets`))).toBe(expected);
      }),
    );
    for (const bad of [0, -5, '0', '0ms', '-200ms', '-64KB', '64kb', '200 frames', '5%', 'deep', null]) {
      expect(parseQueue(bad).ok, String(bad)).toBe(false);
    }
  });
});

describe('resolutions', () => {
  it('WIDTHxHEIGHT parses both numbers; zero or other shapes are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16_384 }), fc.integer({ min: 1, max: 16_384 }), fc.constantFrom('x', ' x ', '×'), (w, h, sep) => {
        expect(value(parseResolution(`${w}${sep}${h}`))).toEqual({ width: w, height: h });
      }),
    );
    for (const bad of ['0x720', '1280x0', '1280', '1280x720p', '720p', 1280, null]) expect(parseResolution(bad).ok, String(bad)).toBe(false);
  });
});
