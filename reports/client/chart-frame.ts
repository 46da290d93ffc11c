// Pieces every chart shares: the SVG frame with margins and clip, axes with labels, the HTML legend,
// network-event bands and stall shading.
import type { ScaleLinear, Selection } from 'd3';
import { formatDuration } from './format.ts';
import type { NetworkMark, StallSpan } from './model.ts';
import { hideTooltip } from './tooltip.ts';

export type G = Selection<SVGGElement, unknown, null, undefined>;
export type Linear = ScaleLinear<number, number>;

export interface Frame {
  svg: Selection<SVGSVGElement, unknown, null, undefined>;
  /** Translated to the plot origin. */
  plot: G;
  /** Drawn into this group, data stays inside the plot area. */
  clipped: G;
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export const STALL_COLOR = '#d62728';
export const BUFFER_COLOR = '#7b4ea3';
export const CAPACITY_STROKE = '#3b3b3b';
export const CAPACITY_FILL = '#ececec';
export const NETWORK_COLOR = '#6b7b8c';

let clipCounter = 0;

export function createFrame(container: HTMLElement, heightPx: number, margin = { top: 34, right: 60, bottom: 42, left: 64 }): Frame {
  const outerWidth = Math.max(520, Math.round(container.clientWidth || 960));
  const width = outerWidth - margin.left - margin.right;
  const height = heightPx - margin.top - margin.bottom;
  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart-svg')
    .attr('viewBox', `0 0 ${outerWidth} ${heightPx}`)
    .attr('width', outerWidth)
    .attr('height', heightPx);
  const clipId = `clip-${++clipCounter}`;
  svg.append('defs').append('clipPath').attr('id', clipId).append('rect').attr('width', width).attr('height', height);
  const plot = svg.append('g').attr('class', 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  plot.append('rect').attr('class', 'plot-bg').attr('width', width).attr('height', height);
  const clipped = plot.append('g').attr('clip-path', `url(#${clipId})`);
  return { svg, plot, clipped, width, height, margin };
}

export function drawGrid(frame: Frame, y: Linear, ticks: number): void {
  frame.plot
    .insert('g', ':nth-child(2)')
    .attr('class', 'grid')
    .call(
      d3
        .axisLeft(y)
        .ticks(ticks)
        .tickSize(-frame.width)
        .tickFormat(() => ''),
    )
    .call((g) => g.select('.domain').remove());
}

export function drawTimeAxis(frame: Frame, x: Linear): void {
  frame.plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${frame.height})`)
    .call(d3.axisBottom(x).ticks(Math.max(4, Math.floor(frame.width / 80))).tickFormat((v) => `${(+v / 1000).toFixed(0)}`));
  axisLabel(frame, 'bottom', 'time (s)');
}

export function drawLeftAxis(frame: Frame, y: Linear, label: string, format: (v: number) => string): void {
  frame.plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(d3.axisLeft(y).ticks(6).tickFormat((v) => format(+v)));
  axisLabel(frame, 'left', label);
}

export function drawRightAxis(frame: Frame, y: Linear, label: string, color: string): void {
  frame.plot
    .append('g')
    .attr('class', 'axis axis-y2')
    .attr('transform', `translate(${frame.width},0)`)
    .call(d3.axisRight(y).ticks(5))
    .call((g) => g.selectAll('text').attr('fill', color));
  axisLabel(frame, 'right', label, color);
}

function axisLabel(frame: Frame, side: 'left' | 'right' | 'bottom', text: string, color?: string): void {
  const t = frame.plot.append('text').attr('class', `axis-label axis-label-${side}`).text(text);
  if (color) t.attr('fill', color);
  if (side === 'bottom') {
    t.attr('x', frame.width / 2).attr('y', frame.height + 34).attr('text-anchor', 'middle');
  } else {
    const x = side === 'left' ? -frame.margin.left + 14 : frame.width + frame.margin.right - 10;
    t.attr('transform', `translate(${x},${frame.height / 2}) rotate(-90)`).attr('text-anchor', 'middle');
  }
}

export interface LegendItem {
  label: string;
  color: string;
  /** line: solid stroke, dashed: dashed stroke, area: filled box. */
  swatch: 'line' | 'dashed' | 'area';
}

export function drawLegend(container: HTMLElement, items: readonly LegendItem[]): void {
  const legend = d3.select(container).append('div').attr('class', 'legend');
  for (const item of items) {
    const entry = legend.append('span').attr('class', 'legend-item');
    entry
      .append('span')
      .attr('class', `swatch swatch-${item.swatch}`)
      .style(item.swatch === 'area' ? 'background' : 'border-color', item.color);
    entry.append('span').text(item.label);
  }
}

/** Stall spans as red shading over the full plot height (or one lane of it, for overlays). */
export function drawStalls(frame: Frame, x: Linear, stalls: readonly StallSpan[], lane?: { y: number; height: number; color: string }): void {
  frame.clipped
    .append('g')
    .attr('class', 'stalls')
    .selectAll('rect')
    .data(stalls)
    .join('rect')
    .attr('class', 'stall')
    .attr('x', (s) => x(s.tMs))
    .attr('width', (s) => Math.max(1.5, x(s.tMs + s.durationMs) - x(s.tMs)))
    .attr('y', lane ? lane.y : 0)
    .attr('height', lane ? lane.height : frame.height)
    .attr('fill', lane ? lane.color : STALL_COLOR)
    .attr('fill-opacity', lane ? 0.9 : 0.16)
    .append('title')
    .text((s) => `stall at ${(s.tMs / 1000).toFixed(2)} s for ${formatDuration(s.durationMs)}`);
}

/**
 * Network events as vertical bands (or a dashed line when instantaneous) with labels in the top margin,
 * placed in up to three rows so that nearby events do not print over each other.
 */
export function drawNetworkMarks(frame: Frame, x: Linear, marks: readonly NetworkMark[]): void {
  const g = frame.clipped.append('g').attr('class', 'network-marks');
  const labels = frame.plot.append('g').attr('class', 'network-labels');
  const rowEnds = [-Infinity, -Infinity, -Infinity];
  for (const mark of marks) {
    const x0 = x(mark.tMs);
    const hasSpan = mark.durationMs !== null && mark.durationMs > 0;
    const x1 = hasSpan ? x(mark.tMs + (mark.durationMs ?? 0)) : x0;
    const title = `${mark.type} at ${(mark.tMs / 1000).toFixed(2)} s (${formatDuration(mark.durationMs)})${mark.detail ? `: ${mark.detail}` : ''}`;
    if (hasSpan) {
      g.append('rect')
        .attr('class', `network-band network-${cssIdent(mark.type)}`)
        .attr('x', x0)
        .attr('width', Math.max(2, x1 - x0))
        .attr('height', frame.height)
        .attr('fill', NETWORK_COLOR)
        .attr('fill-opacity', mark.type === 'outage' ? 0.32 : 0.16)
        .append('title')
        .text(title);
    }
    g.append('line')
      .attr('class', 'network-line')
      .attr('x1', x0)
      .attr('x2', x0)
      .attr('y1', 0)
      .attr('y2', frame.height)
      .attr('stroke', NETWORK_COLOR)
      .attr('stroke-dasharray', '4 3');
    const text = mark.type;
    const approxWidth = text.length * 6.2;
    const row = rowEnds.findIndex((end) => end + 6 < x0);
    if (row < 0) continue; // Too crowded: the band keeps its <title>.
    rowEnds[row] = x0 + approxWidth;
    labels
      .append('text')
      .attr('class', 'network-label')
      .attr('x', x0 + 2)
      .attr('y', -6 - row * 11)
      .text(text)
      .append('title')
      .text(title);
  }
}

function cssIdent(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** x positions of a step series extended to endMs, for d3.line with curveStepAfter. */
export function stepPoints<T extends { tMs: number }>(points: readonly T[], value: (p: T) => number, endMs: number): [number, number][] {
  const out: [number, number][] = points.map((p) => [p.tMs, value(p)]);
  const last = points[points.length - 1];
  if (last && endMs > last.tMs) out.push([endMs, value(last)]);
  return out;
}

/** A transparent rect over the plot: on move, the pointer's x in plot pixels; on leave, onLeave and the tooltip goes. */
export function addHoverCapture(frame: Frame, onMove: (mx: number, event: MouseEvent) => void, onLeave?: () => void): void {
  frame.plot
    .append('rect')
    .attr('class', 'hover-capture')
    .attr('width', frame.width)
    .attr('height', frame.height)
    .attr('fill', 'transparent')
    .on('mousemove', (event: MouseEvent) => onMove(d3.pointer(event)[0], event))
    .on('mouseleave', () => {
      onLeave?.();
      hideTooltip();
    });
}
