// ITU-T G.107 (06/2015) E-model: transmission rating R (clause 7, eqs. 7-1 to 7-31, default values of Table 2) and MOS from R (Annex B, eq. B-4).

export interface EModelParams {
  /** Send and receive loudness ratings (dB). */
  slr: number;
  rlr: number;
  /** Sidetone masking rating, listener sidetone rating (dB). */
  stmr: number;
  lstr: number;
  /** D-value of the telephone at send and receive side. */
  ds: number;
  dr: number;
  /** Talker echo loudness rating (dB), weighted echo path loss (dB). */
  telr: number;
  wepl: number;
  /** Mean one-way delay of the echo path (ms), round-trip delay in a 4-wire loop (ms), absolute delay (ms). */
  tMs: number;
  trMs: number;
  taMs: number;
  /** Quantizing distortion units. */
  qdu: number;
  /** Equipment impairment factor and packet-loss robustness factor of the codec (G.113). */
  ie: number;
  bpl: number;
  /** Random packet-loss probability in percent (0..100). */
  pplPct: number;
  /** Burst ratio: 1 for random loss, > 1 for bursty loss. */
  burstR: number;
  /** Circuit noise (dBm0p), noise floor at the receive side (dBmp), room noise at send and receive (dB(A)). */
  nc: number;
  nfor: number;
  ps: number;
  pr: number;
  /** Advantage factor. */
  a: number;
}

/** G.107 Table 2 default values (R = 93.2 with them). Bpl 4.3 is G.711 without packet-loss concealment (G.113). */
export const E_MODEL_DEFAULTS: Readonly<EModelParams> = {
  slr: 8,
  rlr: 2,
  stmr: 15,
  lstr: 18,
  ds: 3,
  dr: 3,
  telr: 65,
  wepl: 110,
  tMs: 0,
  trMs: 0,
  taMs: 0,
  qdu: 1,
  ie: 0,
  bpl: 4.3,
  pplPct: 0,
  burstR: 1,
  nc: -70,
  nfor: -64,
  ps: 35,
  pr: 35,
  a: 0,
};

export interface EModelResult {
  r: number;
  ro: number;
  is: number;
  id: number;
  ieEff: number;
  mos: number;
}

const log10 = Math.log10;
const pow10 = (x: number) => Math.pow(10, x);

/** R = Ro - Is - Id - Ie,eff + A, with every term from G.107 clause 7. */
export function eModel(overrides: Partial<EModelParams> = {}): EModelResult {
  const p = { ...E_MODEL_DEFAULTS, ...overrides };
  for (const [k, v] of Object.entries(p)) if (!Number.isFinite(v)) throw new RangeError(`E-model parameter ${k} must be a finite number, got ${v}`);
  if (p.pplPct < 0 || p.pplPct > 100) throw new RangeError(`E-model pplPct must be within 0..100, got ${p.pplPct}`);
  if (p.burstR < 1) throw new RangeError(`E-model burstR must be >= 1, got ${p.burstR}`);
  if (p.tMs < 0 || p.trMs < 0 || p.taMs < 0) throw new RangeError('E-model delays must be >= 0 ms');

  // 7.2 Basic signal-to-noise ratio.
  const olr = p.slr + p.rlr;
  const nfo = p.nfor + p.rlr;
  const pre = p.pr + 10 * log10(1 + pow10((10 - p.lstr) / 10));
  const nor = p.rlr - 121 + pre + 0.008 * (pre - 35) ** 2;
  const nos = p.ps - p.slr - p.ds - 100 + 0.004 * (p.ps - olr - p.ds - 14) ** 2;
  const no = 10 * log10(pow10(p.nc / 10) + pow10(nos / 10) + pow10(nor / 10) + pow10(nfo / 10));
  const ro = 15 - 1.5 * (p.slr + no);

  // 7.3 Simultaneous impairment factor.
  const xolr = olr + 0.2 * (64 + no - p.rlr);
  const iolr = 20 * ((1 + (xolr / 8) ** 8) ** (1 / 8) - xolr / 8);
  const stmro = -10 * log10(pow10(-p.stmr / 10) + Math.exp(-p.tMs / 4) * pow10(-p.telr / 10));
  const ist =
    12 * (1 + ((stmro - 13) / 6) ** 8) ** (1 / 8) -
    28 * (1 + ((stmro + 1) / 19.4) ** 35) ** (1 / 35) -
    13 * (1 + ((stmro - 3) / 33) ** 13) ** (1 / 13) +
    29;
  const q = 37 - 15 * log10(p.qdu);
  const g = 1.07 + 0.258 * q + 0.0602 * q * q;
  const z = 46 / 30 - g / 40;
  const y = (ro - 100) / 15 + 46 / 8.4 - g / 9;
  const iq = 15 * log10(1 + pow10(y) + pow10(z));
  const is = iolr + ist + iq;

  // 7.4 Delay impairment factor: talker echo, listener echo, absolute delay.
  const t = p.tMs;
  let terv = p.telr - 40 * log10((1 + t / 10) / (1 + t / 150)) + 6 * Math.exp(-0.3 * t * t);
  if (p.stmr < 9) terv += ist / 2;
  const roe = -1.5 * (no - p.rlr);
  const re = 80 + 2.5 * (terv - 14);
  const idte = ((roe - re) / 2 + Math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - Math.exp(-t));
  const rle = 10.5 * (p.wepl + 7) * (p.trMs + 1) ** -0.25;
  const idle = (ro - rle) / 2 + Math.sqrt((ro - rle) ** 2 / 4 + 169);
  let idd = 0;
  if (p.taMs > 100) {
    const x = log10(p.taMs / 100) / log10(2);
    idd = 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
  }
  const id = idte + idle + idd;

  // 7.5 Effective equipment impairment under packet loss.
  const ieEff = p.ie + ((95 - p.ie) * p.pplPct) / (p.pplPct / p.burstR + p.bpl);

  const r = ro - is - id - ieEff + p.a;
  return { r, ro, is, id, ieEff, mos: mosFromR(r) };
}

/** G.107 Annex B: MOS (conversational quality, 1..4.5) from R; held at 1 where the cubic dips below it (0 < R < 6.5). */
export function mosFromR(r: number): number {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/**
 * The E-model of an interactive (WebRTC) path from what a run measures: one-way (mouth-to-ear) delay T = Ta,
 * echo-loop round trip Tr = 2T, random loss with its burstiness. The codec defaults to G.711 with packet-loss
 * concealment (Ie 0, Bpl 25.1, G.113 Appendix I): WebRTC conceals losses; G.113 has no Opus entry.
 */
export function eModelFromNetwork(input: { oneWayDelayMs: number; lossRatio: number; burstR?: number; ie?: number; bpl?: number }): EModelResult {
  const oneWay = Math.max(0, input.oneWayDelayMs);
  return eModel({
    tMs: oneWay,
    taMs: oneWay,
    trMs: 2 * oneWay,
    pplPct: Math.min(100, Math.max(0, input.lossRatio * 100)),
    burstR: Math.max(1, input.burstR ?? 1),
    ie: input.ie ?? 0,
    bpl: input.bpl ?? 25.1,
  });
}

/**
 * Burst ratio of a Gilbert-Elliott-like loss process (G.113 Appendix I): BurstR = 1 / (p + r) for a two-state
 * chain with P(loss -> no loss) = r, P(no loss -> loss) = p. Random loss (p + r = 1) gives 1.
 */
export function burstRatio(p: number, r: number): number {
  if (!(p >= 0 && r > 0 && p + r <= 1 + 1e-12)) throw new RangeError(`burst ratio needs 0 <= p, 0 < r, p + r <= 1, got p=${p} r=${r}`);
  return 1 / (p + r);
}
