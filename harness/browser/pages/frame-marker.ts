// Frame-number marker painted in the top-left corner of reference clips (netqoe's own design, docs/scoring.md):
// a 6 x 4 grid of black/white cells carrying a 16-bit Gray-coded frame number and its CRC-8 (poly 0x07).
// Pure and dependency-free: the pages load this same file to decode frames in the browser (harness/media re-exports it).

export const MARKER_COLS = 6;
export const MARKER_ROWS = 4;
export const MARKER_NUMBER_BITS = 16;
export const MARKER_CRC_BITS = 8;
/** Cell side as a fraction of the frame height: 40 px at 720p, 10 px on the /4 simulcast layer of 720p. */
export const MARKER_CELL_OF_HEIGHT = 1 / 18;
/** Largest number a marker carries; clips longer than this wrap. */
export const MARKER_MAX_NUMBER = (1 << MARKER_NUMBER_BITS) - 1;

/** Luma of white and black cells (limited range, as in yuv420p clips). */
export const MARKER_WHITE_Y = 235;
export const MARKER_BLACK_Y = 16;

/** A luma plane: width x height samples, row r starting at r * stride. */
export interface LumaPlane {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array | Uint8ClampedArray;
}

export interface MarkerGeometry {
  /** Cell side in pixels (fractional: sampled, not drawn, at fractions). */
  cellPx: number;
  /** Top-left of the grid (half a cell of margin). */
  x0: number;
  y0: number;
}

export function markerGeometry(height: number): MarkerGeometry {
  const cellPx = height * MARKER_CELL_OF_HEIGHT;
  return { cellPx, x0: cellPx / 2, y0: cellPx / 2 };
}

/** The marker's bounding box in pixels (integers, enclosing): what a page needs to read back. */
export function markerBox(width: number, height: number): { x: number; y: number; width: number; height: number } {
  const g = markerGeometry(height);
  const w = Math.min(width, Math.ceil(g.x0 + MARKER_COLS * g.cellPx));
  const h = Math.min(height, Math.ceil(g.y0 + MARKER_ROWS * g.cellPx));
  return { x: 0, y: 0, width: w, height: h };
}

export function toGray(n: number): number {
  return (n ^ (n >>> 1)) >>> 0;
}

export function fromGray(g: number): number {
  let n = g;
  for (let shift = 1; shift < 32; shift <<= 1) n ^= n >>> shift;
  return n >>> 0;
}

/**
 * CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), init 0, over the 16-bit value's two bytes (big-endian), then XOR 0x55
 * so that neither an all-black nor an all-white corner is a valid marker.
 */
export function crc8(value16: number): number {
  let crc = 0;
  for (const byte of [(value16 >>> 8) & 0xff, value16 & 0xff]) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc ^ 0x55;
}

/** The 24 cell bits, row-major: 16 bits of Gray(number) MSB first, then 8 bits of CRC-8 of the Gray code. */
export function markerBits(frameNumber: number): boolean[] {
  if (!Number.isInteger(frameNumber) || frameNumber < 0 || frameNumber > MARKER_MAX_NUMBER) {
    throw new RangeError(`frame number ${frameNumber} outside 0..${MARKER_MAX_NUMBER}`);
  }
  const gray = toGray(frameNumber);
  const crc = crc8(gray);
  const bits: boolean[] = [];
  for (let i = MARKER_NUMBER_BITS - 1; i >= 0; i--) bits.push(((gray >>> i) & 1) === 1);
  for (let i = MARKER_CRC_BITS - 1; i >= 0; i--) bits.push(((crc >>> i) & 1) === 1);
  return bits;
}

/** Paints the marker into a luma plane (and neutral chroma when given, 4:2:0 planes of half size). */
export function paintMarker(
  y: LumaPlane,
  frameNumber: number,
  chroma?: { u: Uint8Array; v: Uint8Array; stride: number },
): void {
  const bits = markerBits(frameNumber);
  const g = markerGeometry(y.height);
  const box = markerBox(y.width, y.height);
  for (let row = 0; row < box.height; row++) {
    const r = Math.floor((row - g.y0) / g.cellPx);
    for (let col = 0; col < box.width; col++) {
      const c = Math.floor((col - g.x0) / g.cellPx);
      // The margin is black: it frames the grid so an encoder's ringing from the scene stays out of the cells.
      const white = r >= 0 && r < MARKER_ROWS && c >= 0 && c < MARKER_COLS && bits[r * MARKER_COLS + c];
      y.data[row * y.stride + col] = white ? MARKER_WHITE_Y : MARKER_BLACK_Y;
    }
  }
  if (chroma) {
    for (let row = 0; row < Math.ceil(box.height / 2); row++) {
      for (let col = 0; col < Math.ceil(box.width / 2); col++) {
        chroma.u[row * chroma.stride + col] = 128;
        chroma.v[row * chroma.stride + col] = 128;
      }
    }
  }
}

/**
 * Mean luma of each cell's inner half (edges are where blur and blocking hurt), row-major. `frameHeight` is the
 * whole frame's height when `y` holds only its top-left corner (a page reads back just the marker's box).
 */
export function sampleCells(y: LumaPlane, frameHeight = y.height): number[] {
  const g = markerGeometry(frameHeight);
  const means: number[] = [];
  for (let r = 0; r < MARKER_ROWS; r++) {
    for (let c = 0; c < MARKER_COLS; c++) {
      const cx0 = g.x0 + (c + 0.25) * g.cellPx;
      const cy0 = g.y0 + (r + 0.25) * g.cellPx;
      const xa = Math.floor(cx0);
      const ya = Math.floor(cy0);
      const xb = Math.max(xa + 1, Math.ceil(cx0 + g.cellPx / 2));
      const yb = Math.max(ya + 1, Math.ceil(cy0 + g.cellPx / 2));
      let sum = 0;
      let n = 0;
      for (let yy = ya; yy < Math.min(yb, y.height); yy++) {
        for (let xx = xa; xx < Math.min(xb, y.width); xx++) {
          sum += y.data[yy * y.stride + xx];
          n++;
        }
      }
      means.push(n > 0 ? sum / n : 0);
    }
  }
  return means;
}

/**
 * The frame number painted in this luma plane, or null when the cells do not carry a valid number (CRC fails).
 * `frameHeight`: the whole frame's height when `y` is only the top-left corner (markerBox).
 */
export function decodeMarker(y: LumaPlane, frameHeight = y.height): number | null {
  if (frameHeight < 18 || y.width < 18) return null;
  const means = sampleCells(y, frameHeight);
  // Threshold halfway between the darkest and brightest cell (survives level shifts: full vs limited range);
  // a flat corner has no marker.
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of means) {
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  if (hi - lo < 60) return null;
  const threshold = (lo + hi) / 2;
  let gray = 0;
  for (let i = 0; i < MARKER_NUMBER_BITS; i++) gray = (gray << 1) | (means[i] > threshold ? 1 : 0);
  let crc = 0;
  for (let i = 0; i < MARKER_CRC_BITS; i++) crc = (crc << 1) | (means[MARKER_NUMBER_BITS + i] > threshold ? 1 : 0);
  if (crc8(gray) !== crc) return null;
  return fromGray(gray);
}

/** Luma plane from RGBA pixels (canvas getImageData), BT.601 weights. */
export function lumaFromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): LumaPlane {
  const data = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < data.length; i++, p += 4) {
    data[i] = (rgba[p] * 299 + rgba[p + 1] * 587 + rgba[p + 2] * 114) / 1000;
  }
  return { width, height, stride: width, data };
}
