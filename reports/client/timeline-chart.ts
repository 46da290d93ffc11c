// One run's timeline: downlink capacity and chosen bitrate (left axis), buffer level (right axis),
// stalls shaded, network events as bands, and each segment's decision on hover.
import {
  BUFFER_COLOR,
  CAPACITY_FILL,
  CAPACITY_STROKE,
  createFrame,
  drawGrid,
  drawLeftAxis,
  drawLegend,
  drawNetworkMarks,
  drawRightAxis,
  drawStalls,
  drawTimeAxis,
  NETWORK_COLOR,
  STALL_COLOR,
  stepPoints,
} from './chart-frame.ts';
import type { Frame, LegendItem, Linear } from './chart-frame.ts';
import { formatDuration, formatMbps, formatMs, formatSeconds } from './format.ts';
import type { NetworkMark, RunSeries, SegmentPoint } from './model.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';
import type { TooltipLine } from './tooltip.ts';

export interface TimelineChartInput {
  series: RunSeries;
  durationMs: number;
  algorithm: string;
  color: string;
}

export function renderTimelineChart(container: HTMLElement, input: TimelineChartInput): void {
  const { series } = input;
  const hasAnything =
    series.capacityDown.length + series.segments.length + series.buffer.length + series.stalls.length + series.network.length > 0;
  if (!hasAnything) {
    d3.select(container).append('p').attr('class', 'empty').text('No timeline data in this run.');
    return;
  }
  drawLegend(container, legendItems(input));
  const frame = createFrame(container, 320);
  const endMs = Math.max(input.durationMs, series.endMs, 1);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = bitrateScale(series, frame.height);

  drawGrid(frame, y, 6);
  drawNetworkMarks(frame, x, series.network);
  drawStalls(frame, x, series.stalls);
  drawCapacity(frame, x, y, series, endMs);
  drawBitrate(frame, x, y, series.segments, input.color);
  if (series.buffer.length) drawBuffer(frame, x, series);
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'capacity / bitrate (Mbps)', (v) => (v / 1e6).toString());
  drawSegmentHover(frame, x, series, input.color);
}

function legendItems(input: TimelineChartInput): LegendItem[] {
  const { series } = input;
  const items: LegendItem[] = [];
  if (series.capacityDown.length) items.push({ label: 'downlink capacity', color: CAPACITY_STROKE, swatch: 'line' });
  if (series.segments.length) items.push({ label: `chosen bitrate (${input.algorithm})`, color: input.color, swatch: 'line' });
  if (series.buffer.length) items.push({ label: 'buffer level (right axis)', color: BUFFER_COLOR, swatch: 'dashed' });
  if (series.stalls.length) items.push({ label: 'stall', color: STALL_COLOR, swatch: 'area' });
  if (series.network.length) items.push({ label: 'network event', color: NETWORK_COLOR, swatch: 'area' });
  return items;
}

/**
 * Mbps scale that keeps the ladder readable: capacity far above the top rung (an unshaped link) is
 * clipped at 3x the top chosen bitrate rather than squashing the bitrate line to the floor.
 */
export function bitrateScale(series: Pick<RunSeries, 'capacityDown' | 'segments'>, heightPx: number): Linear {
  const maxBitrate = d3.max(series.segments, (s) => s.bitrateBps) ?? 0;
  const maxCapacity = d3.max(series.capacityDown, (c) => c.bps) ?? 0;
  const top = maxBitrate > 0 ? Math.max(maxBitrate, Math.min(maxCapacity, maxBitrate * 3)) : maxCapacity;
  return d3
    .scaleLinear()
    .domain([0, (top || 1e6) * 1.08])
    .nice()
    .range([heightPx, 0]);
}

export function drawCapacity(frame: Frame, x: Linear, y: Linear, series: Pick<RunSeries, 'capacityDown'>, endMs: number): void {
  if (!series.capacityDown.length) return;
  const points = stepPoints(series.capacityDown, (c) => c.bps, endMs);
  const g = frame.clipped.append('g').attr('class', 'capacity');
  g.append('path')
    .attr('class', 'capacity-area')
    .attr('fill', CAPACITY_FILL)
    .attr('d', d3.area<[number, number]>().curve(d3.curveStepAfter).x((p) => x(p[0])).y0(frame.height).y1((p) => y(p[1]))(points));
  g.append('path')
    .attr('class', 'capacity-line')
    .attr('fill', 'none')
    .attr('stroke', CAPACITY_STROKE)
    .attr('stroke-width', 1.5)
    .attr('d', d3.line<[number, number]>().curve(d3.curveStepAfter).x((p) => x(p[0])).y((p) => y(p[1]))(points));
}

export function drawBitrate(frame: Frame, x: Linear, y: Linear, segments: readonly SegmentPoint[], color: string, width = 2.2): void {
  if (!segments.length) return;
  const last = segments[segments.length - 1];
  const points = stepPoints(segments, (s) => s.bitrateBps, last.tMs + Math.max(last.downloadMs, 1));
  frame.clipped
    .append('path')
    .attr('class', 'bitrate-line')
    .attr('fill', 'none')
    .attr('stroke', color)
    .attr('stroke-width', width)
    .attr('d', d3.line<[number, number]>().curve(d3.curveStepAfter).x((p) => x(p[0])).y((p) => y(p[1]))(points));
}

function drawBuffer(frame: Frame, x: Linear, series: RunSeries): void {
  const maxBuffer = d3.max(series.buffer, (b) => b.bufferS) ?? 0;
  const yBuffer = d3
    .scaleLinear()
    .domain([0, Math.max(1, maxBuffer) * 1.08])
    .nice()
    .range([frame.height, 0]);
  frame.clipped
    .append('path')
    .attr('class', 'buffer-line')
    .attr('fill', 'none')
    .attr('stroke', BUFFER_COLOR)
    .attr('stroke-width', 1.4)
    .attr('stroke-dasharray', '5 3')
    .attr('d', d3.line<{ tMs: number; bufferS: number }>().x((b) => x(b.tMs)).y((b) => yBuffer(b.bufferS))(series.buffer));
  drawRightAxis(frame, yBuffer, 'buffer (s)', BUFFER_COLOR);
}

/** Transparent hit areas, one per segment step, on top of everything: hover shows why the ABR chose it. */
function drawSegmentHover(frame: Frame, x: Linear, series: RunSeries, color: string): void {
  const segments = series.segments;
  if (!segments.length) return;
  const highlight = frame.clipped
    .append('rect')
    .attr('class', 'segment-highlight')
    .attr('height', frame.height)
    .attr('fill', color)
    .attr('fill-opacity', 0.18)
    .attr('visibility', 'hidden');
  const stepEnd = (i: number) =>
    i + 1 < segments.length ? segments[i + 1].tMs : segments[i].tMs + Math.max(segments[i].downloadMs, 1);
  frame.plot
    .append('g')
    .attr('class', 'segment-hits')
    .selectAll('rect')
    .data(segments)
    .join('rect')
    .attr('class', 'segment-hit')
    .attr('data-index', (s) => s.index)
    .attr('x', (s) => x(s.tMs))
    .attr('width', (_s, i) => Math.max(1, x(stepEnd(i)) - x(segments[i].tMs)))
    .attr('height', frame.height)
    .attr('fill', 'transparent')
    .on('mouseenter mousemove', (event: MouseEvent, s) => {
      // The download itself, not the whole step, is what the highlight shows.
      highlight
        .attr('x', x(s.tMs))
        .attr('width', Math.max(2, x(s.tMs + s.downloadMs) - x(s.tMs)))
        .attr('visibility', 'visible');
      showTooltip(segmentTooltip(s, series.network, color), event.clientX, event.clientY);
    })
    .on('mouseleave', () => {
      highlight.attr('visibility', 'hidden');
      hideTooltip();
    });
}

export function segmentTooltip(s: SegmentPoint, network: readonly NetworkMark[], color: string): TooltipLine[] {
  const throughputBps = s.downloadMs > 0 ? (s.bytes * 8 * 1000) / s.downloadMs : NaN;
  const lines: TooltipLine[] = [
    { text: `segment ${s.index} · quality ${s.quality} · ${formatMbps(s.bitrateBps)}`, emphasis: true, color },
    {
      text: `requested at ${formatSeconds(s.tMs)}, downloaded in ${formatMs(s.downloadMs)}${
        Number.isFinite(throughputBps) ? ` (${formatMbps(throughputBps)})` : ''
      }`,
    },
  ];
  if (Number.isFinite(s.bufferS)) lines.push({ text: `buffer after arrival: ${s.bufferS.toFixed(2)} s` });
  lines.push({ text: `reason: ${s.reason || '(none given)'}` });
  for (const m of network) {
    const end = m.tMs + (m.durationMs ?? 0);
    if (m.tMs <= s.tMs + s.downloadMs && end >= s.tMs) {
      lines.push({ text: `during ${m.type} (${formatDuration(m.durationMs)})${m.detail ? `: ${m.detail}` : ''}` });
    }
  }
  return lines;
}
