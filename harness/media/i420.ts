// I420 (planar 4:2:0) frames: packing from a browser's plane layout, NV12 and RGBA conversion (BT.601 limited
// range, as Chromium's video path uses for SD/HD WebRTC video), and bilinear scaling (what the viewer's
// <video> does to a lower simulcast layer, approximately: Chromium scales on the GPU, bilinear or better).

export interface I420Frame {
  width: number;
  height: number;
  /** Y then U then V, packed (strides width, ceil(width/2)). */
  data: Uint8Array;
}

export function i420Size(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

export interface PlaneLayout {
  offset: number;
  stride: number;
}

/** Packs a frame copied by VideoFrame.copyTo (format I420, NV12, RGBA/RGBX/BGRA/BGRX) into I420. */
export function toI420(format: string, width: number, height: number, buf: Uint8Array, layout: readonly PlaneLayout[]): I420Frame {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const out = new Uint8Array(i420Size(width, height));
  const yOut = 0;
  const uOut = width * height;
  const vOut = uOut + cw * ch;
  if (format === 'I420' || format === 'I420A') {
    copyPlane(buf, layout[0], out, yOut, width, width, height);
    copyPlane(buf, layout[1], out, uOut, cw, cw, ch);
    copyPlane(buf, layout[2], out, vOut, cw, cw, ch);
  } else if (format === 'NV12') {
    copyPlane(buf, layout[0], out, yOut, width, width, height);
    for (let r = 0; r < ch; r++) {
      const src = layout[1].offset + r * layout[1].stride;
      for (let c = 0; c < cw; c++) {
        out[uOut + r * cw + c] = buf[src + 2 * c];
        out[vOut + r * cw + c] = buf[src + 2 * c + 1];
      }
    }
  } else if (format === 'RGBA' || format === 'RGBX' || format === 'BGRA' || format === 'BGRX') {
    const bgr = format.startsWith('BGR');
    const { offset, stride } = layout[0];
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const p = offset + r * stride + 4 * c;
        const R = buf[p + (bgr ? 2 : 0)];
        const G = buf[p + 1];
        const B = buf[p + (bgr ? 0 : 2)];
        out[yOut + r * width + c] = clamp(16 + (65.481 * R + 128.553 * G + 24.966 * B) / 255);
        if ((r & 1) === 0 && (c & 1) === 0) {
          out[uOut + (r >> 1) * cw + (c >> 1)] = clamp(128 + (-37.797 * R - 74.203 * G + 112 * B) / 255);
          out[vOut + (r >> 1) * cw + (c >> 1)] = clamp(128 + (112 * R - 93.786 * G - 18.214 * B) / 255);
        }
      }
    }
  } else {
    throw new Error(`unsupported VideoFrame format ${format}`);
  }
  return { width, height, data: out };
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function copyPlane(src: Uint8Array, layout: PlaneLayout, dst: Uint8Array, dstOffset: number, dstStride: number, w: number, h: number): void {
  for (let r = 0; r < h; r++) dst.set(src.subarray(layout.offset + r * layout.stride, layout.offset + r * layout.stride + w), dstOffset + r * dstStride);
}

/** Bilinear resize of one plane (pixel centres aligned, as ffmpeg's and GPUs' bilinear do). */
export function scalePlane(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number): void {
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const syf = Math.max(0, Math.min(sh - 1, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(syf);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = syf - y0;
    for (let x = 0; x < dw; x++) {
      const sxf = Math.max(0, Math.min(sw - 1, (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sxf);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = sxf - x0;
      const top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
      const bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
      dst[y * dw + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
}

/** The frame at width x height (the same object when it already is). */
export function scaleI420(f: I420Frame, width: number, height: number): I420Frame {
  if (f.width === width && f.height === height) return f;
  const out = new Uint8Array(i420Size(width, height));
  const scw = Math.ceil(f.width / 2);
  const sch = Math.ceil(f.height / 2);
  const dcw = Math.ceil(width / 2);
  const dch = Math.ceil(height / 2);
  scalePlane(f.data.subarray(0, f.width * f.height), f.width, f.height, out.subarray(0, width * height), width, height);
  const su = f.width * f.height;
  const du = width * height;
  scalePlane(f.data.subarray(su, su + scw * sch), scw, sch, out.subarray(du, du + dcw * dch), dcw, dch);
  scalePlane(f.data.subarray(su + scw * sch, su + 2 * scw * sch), scw, sch, out.subarray(du + dcw * dch, du + 2 * dcw * dch), dcw, dch);
  return { width, height, data: out };
}
