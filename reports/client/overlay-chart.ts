// All algorithms of one scenario on one timeline: their bitrate steps over the shared capacity,
// each algorithm's stalls in its own lane at the bottom, and a hover rule reading every algorithm at that time.
import {
  addHoverCapture,
  CAPACITY_STROKE,
  createFrame,
  drawGrid,
  drawLeftAxis,
  drawLegend,
  drawNetworkMarks,
  drawStalls,
  drawTimeAxis,
  NETWORK_COLOR,
  STALL_COLOR,
} from './chart-frame.ts';
import type { Frame, LegendItem, Linear } from './chart-frame.ts';
import { formatMbps, formatSeconds } from './format.ts';
import { segmentAt } from './model.ts';
import type { RunSeries } from './model.ts';
import { bitrateScale, drawBitrate, drawCapacity } from './timeline-chart.ts';
import { showTooltip } from './tooltip.ts';
import type { TooltipLine } from './tooltip.ts';

export interface OverlayRunInput {
  algorithm: string;
  color: string;
  series: RunSeries;
}

const LANE_HEIGHT = 7;

export function renderOverlayChart(container: HTMLElement, runs: readonly OverlayRunInput[], durationMs: number): void {
  if (!runs.some((r) => r.series.segments.length || r.series.capacityDown.length)) {
    d3.select(container).append('p').attr('class', 'empty').text('No capacity or segment data to overlay.');
    return;
  }
  // Runs of one scenario share the link (same seed), so the first run's capacity and events stand for all.
  const capacity = runs.find((r) => r.series.capacityDown.length)?.series.capacityDown ?? [];
  const network = runs.find((r) => r.series.network.length)?.series.network ?? [];
  const anyStall = runs.some((r) => r.series.stalls.length);
  const items: LegendItem[] = [];
  if (capacity.length) items.push({ label: 'downlink capacity', color: CAPACITY_STROKE, swatch: 'line' });
  for (const r of runs) items.push({ label: r.algorithm, color: r.color, swatch: 'line' });
  if (anyStall) items.push({ label: 'stalls (lane per algorithm, bottom)', color: STALL_COLOR, swatch: 'area' });
  if (network.length) items.push({ label: 'network event', color: NETWORK_COLOR, swatch: 'area' });
  drawLegend(container, items);

  const frame = createFrame(container, 340);
  const endMs = Math.max(durationMs, ...runs.map((r) => r.series.endMs), 1);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = bitrateScale({ capacityDown: capacity, segments: runs.flatMap((r) => r.series.segments) }, frame.height);
  drawGrid(frame, y, 6);
  drawNetworkMarks(frame, x, network);
  drawCapacity(frame, x, y, { capacityDown: capacity }, endMs);
  runs.forEach((r) => drawBitrate(frame, x, y, r.series.segments, r.color, 2));
  runs.forEach((r, i) =>
    drawStalls(frame, x, r.series.stalls, { y: frame.height - (i + 1) * (LANE_HEIGHT + 1), height: LANE_HEIGHT, color: r.color }),
  );
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'capacity / bitrate (Mbps)', (v) => (v / 1e6).toString());
  drawHoverRule(frame, x, runs);
}

function drawHoverRule(frame: Frame, x: Linear, runs: readonly OverlayRunInput[]): void {
  const rule = frame.plot
    .append('line')
    .attr('class', 'hover-rule')
    .attr('y1', 0)
    .attr('y2', frame.height)
    .attr('visibility', 'hidden');
  addHoverCapture(
    frame,
    (px, event) => {
      rule.attr('x1', px).attr('x2', px).attr('visibility', 'visible');
      showTooltip(overlayTooltip(runs, x.invert(px)), event.clientX, event.clientY);
    },
    () => rule.attr('visibility', 'hidden'),
  );
}

function overlayTooltip(runs: readonly OverlayRunInput[], tMs: number): TooltipLine[] {
  const lines: TooltipLine[] = [{ text: `t = ${formatSeconds(tMs)}`, emphasis: true }];
  for (const r of runs) {
    const s = segmentAt(r.series.segments, tMs);
    const stalled = r.series.stalls.some((st) => st.tMs <= tMs && tMs <= st.tMs + st.durationMs);
    lines.push({
      text: s
        ? `${r.algorithm}: q${s.quality} ${formatMbps(s.bitrateBps)}${stalled ? ' · STALLED' : ''} — ${s.reason}`
        : `${r.algorithm}: no segment yet`,
      color: r.color,
    });
  }
  return lines;
}
