// One BWE run: capacity the link allowed, the estimator's target and the delivered rate (left axis),
// queueing delay (right axis), network events as bands, and the estimator's reason on hover.
import {
  BUFFER_COLOR,
  CAPACITY_FILL,
  CAPACITY_STROKE,
  addHoverCapture,
  createFrame,
  drawGrid,
  drawLeftAxis,
  drawLegend,
  drawNetworkMarks,
  drawRightAxis,
  drawTimeAxis,
} from './chart-frame.ts';
import { formatMbps, formatMs, formatSeconds } from './format.ts';
import type { BwePoint, RunSeries } from './model.ts';
import { showTooltip } from './tooltip.ts';

export interface BweChartInput {
  series: RunSeries;
  durationMs: number;
  algorithm: string;
  color: string;
}

const DELIVERED_COLOR = '#555555';

export function renderBweChart(container: HTMLElement, input: BweChartInput): void {
  const points = input.series.bwe;
  if (!points.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No bandwidth-estimation samples in this run.');
    return;
  }
  drawLegend(container, [
    { label: 'capacity', color: CAPACITY_STROKE, swatch: 'area' },
    { label: `target (${input.algorithm})`, color: input.color, swatch: 'line' },
    { label: 'delivered rate', color: DELIVERED_COLOR, swatch: 'dashed' },
    { label: 'queueing delay (right axis)', color: BUFFER_COLOR, swatch: 'dashed' },
  ]);
  const frame = createFrame(container, 320);
  const endMs = Math.max(input.durationMs, points[points.length - 1].tMs, 1);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const top = d3.max(points, (p) => Math.max(p.capacityBps, p.targetBps, Number.isFinite(p.deliveredBps) ? p.deliveredBps : 0)) ?? 1e6;
  const y = d3.scaleLinear().domain([0, top * 1.08]).nice().range([frame.height, 0]);
  const yDelay = d3
    .scaleLinear()
    .domain([0, Math.max(50, d3.max(points, (p) => (Number.isFinite(p.queueDelayMs) ? p.queueDelayMs : 0)) ?? 0) * 1.1])
    .nice()
    .range([frame.height, 0]);

  drawGrid(frame, y, 6);
  drawNetworkMarks(frame, x, input.series.network);
  const line = (value: (p: BwePoint) => number, scale = y) =>
    d3
      .line<BwePoint>()
      .defined((p) => Number.isFinite(value(p)))
      .x((p) => x(p.tMs))
      .y((p) => scale(value(p)))
      .curve(d3.curveStepAfter)(points) ?? '';
  frame.clipped
    .append('path')
    .attr('class', 'bwe-capacity')
    .attr('d', d3.area<BwePoint>().x((p) => x(p.tMs)).y0(frame.height).y1((p) => y(p.capacityBps)).curve(d3.curveStepAfter)(points) ?? '')
    .attr('fill', CAPACITY_FILL)
    .attr('stroke', CAPACITY_STROKE)
    .attr('stroke-width', 1);
  frame.clipped.append('path').attr('class', 'bwe-delivered').attr('d', line((p) => p.deliveredBps)).attr('fill', 'none').attr('stroke', DELIVERED_COLOR).attr('stroke-dasharray', '3 3').attr('stroke-width', 1.2);
  frame.clipped.append('path').attr('class', 'bwe-target').attr('d', line((p) => p.targetBps)).attr('fill', 'none').attr('stroke', input.color).attr('stroke-width', 2);
  frame.clipped.append('path').attr('class', 'bwe-queue').attr('d', line((p) => p.queueDelayMs, yDelay)).attr('fill', 'none').attr('stroke', BUFFER_COLOR).attr('stroke-dasharray', '5 3').attr('stroke-width', 1.2);
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'capacity / rate (Mbps)', (v) => (v / 1e6).toString());
  drawRightAxis(frame, yDelay, 'queueing delay (ms)', BUFFER_COLOR);

  // Hover anywhere: the sample in force at that time, with the estimator's reason.
  const bisect = d3.bisector((p: BwePoint) => p.tMs).right;
  addHoverCapture(frame, (mx, event) => {
    const p = points[Math.max(0, bisect(points, x.invert(mx)) - 1)];
    showTooltip(
      [
        { text: `${formatSeconds(p.tMs)}: target ${formatMbps(p.targetBps)}`, emphasis: true, color: input.color },
        { text: `capacity ${formatMbps(p.capacityBps)}, delivered ${Number.isFinite(p.deliveredBps) ? formatMbps(p.deliveredBps) : '-'}` },
        { text: `queueing ${Number.isFinite(p.queueDelayMs) ? formatMs(p.queueDelayMs) : '-'}, loss ${Number.isFinite(p.lossRate) ? (p.lossRate * 100).toFixed(1) : '-'}%` },
        ...(p.reason ? [{ text: p.reason }] : []),
      ],
      event.clientX,
      event.clientY,
    );
  });
}
