// xoshiro128** (Blackman & Vigna, "Scrambled Linear Pseudorandom Number Generators", 2018), seeded by splitmix32.
// Every consumer gets its own stream, derived from (seed, label), so adding a consumer never shifts another's numbers.

export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform in [0, 1). */
  next(): number;
}

/** FNV-1a over the UTF-16 code units of a label: a stable 32-bit name for a stream. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One splitmix32 output for a state; used to spread a few seed words into a full generator state. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** The two 32-bit words of any number's float64 bits (so seeds above 2^32 and non-integers stay distinct). */
function seedWords(seed: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed === 0 ? 0 : seed); // -0 and 0 are the same seed
  return [view.getUint32(0), view.getUint32(4)];
}

export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    // The all-zero state is the one fixed point of xoshiro: never start there.
    if ((s0 | s1 | s2 | s3) === 0) s0 = 0x9e3779b9;
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  next(): number {
    return this.nextU32() / 4294967296;
  }
}

/** An independent stream for (seed, label), e.g. createRng(42, 'down/loss'). */
export function createRng(seed: number, label: string): Rng {
  const [hi, lo] = seedWords(seed);
  const h = hashLabel(label);
  let state = splitmix32(hi ^ 0x5bd1e995) ^ splitmix32(lo + 0x3c6ef372) ^ h;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    state = (state + 0x9e3779b9) | 0;
    words.push(splitmix32(state ^ Math.imul(h, i + 1)));
  }
  return new Xoshiro128(words[0], words[1], words[2], words[3]);
}

/** Standard normal sample (Box-Muller; the second value of each pair is discarded to keep the stream stateless). */
export function standardNormal(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
