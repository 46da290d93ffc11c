// CDF of chosen segment bitrates, one curve per algorithm of a scenario: further right is higher quality more often.
import { createFrame, drawGrid, drawLeftAxis, drawLegend } from './chart-frame.ts';
import type { G, LegendItem, Linear } from './chart-frame.ts';
import { formatMbps } from './format.ts';
import { bitrateCdf } from './model.ts';
import type { SegmentPoint } from './model.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';

export interface CdfCurveInput {
  algorithm: string;
  color: string;
  segments: readonly SegmentPoint[];
}

export function renderCdfChart(container: HTMLElement, curves: readonly CdfCurveInput[]): void {
  const withData = curves.filter((c) => c.segments.length > 0);
  if (!withData.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No segments downloaded: no bitrate CDF.');
    return;
  }
  drawLegend(
    container,
    withData.map((c): LegendItem => ({ label: `${c.algorithm} (${c.segments.length} segments)`, color: c.color, swatch: 'line' })),
  );
  const frame = createFrame(container, 280);
  const maxBps = d3.max(withData, (c) => d3.max(c.segments, (s) => s.bitrateBps)) ?? 1e6;
  const x = d3
    .scaleLinear()
    .domain([0, maxBps * 1.05])
    .nice()
    .range([0, frame.width]);
  const y = d3.scaleLinear().domain([0, 1]).range([frame.height, 0]);
  drawGrid(frame, y, 5);

  frame.plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${frame.height})`)
    .call(d3.axisBottom(x).ticks(8).tickFormat((v) => `${+v / 1e6}`));
  frame.plot
    .append('text')
    .attr('class', 'axis-label axis-label-bottom')
    .attr('x', frame.width / 2)
    .attr('y', frame.height + 34)
    .attr('text-anchor', 'middle')
    .text('chosen bitrate (Mbps)');
  drawLeftAxis(frame, y, 'fraction of segments ≤ x', (v) => v.toFixed(1));

  const [x0, x1] = x.domain();
  for (const curve of withData) drawCdfCurve(frame.clipped, curve, x, y, x0, x1);
}

function drawCdfCurve(
  g: G,
  curve: CdfCurveInput,
  x: Linear,
  y: Linear,
  domainStart: number,
  domainEnd: number,
): void {
  const cdf = bitrateCdf(curve.segments);
  // Step after each distinct bitrate: 0 until the lowest, then the fraction at or below each value.
  const points: [number, number][] = [[domainStart, 0], ...cdf.flatMap((p, i): [number, number][] => [[p.bps, i === 0 ? 0 : cdf[i - 1].fraction], [p.bps, p.fraction]]), [domainEnd, 1]];
  g.append('path')
    .attr('class', 'cdf-line')
    .attr('data-algorithm', curve.algorithm)
    .attr('fill', 'none')
    .attr('stroke', curve.color)
    .attr('stroke-width', 2.2)
    .attr('d', d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]))(points));
  g.append('g')
    .selectAll('circle')
    .data(cdf)
    .join('circle')
    .attr('class', 'cdf-point')
    .attr('cx', (p) => x(p.bps))
    .attr('cy', (p) => y(p.fraction))
    .attr('r', 3.5)
    .attr('fill', curve.color)
    .on('mouseenter', (event: MouseEvent, p) =>
      showTooltip(
        [
          { text: curve.algorithm, emphasis: true, color: curve.color },
          { text: `${(p.fraction * 100).toFixed(1)} % of segments at or below ${formatMbps(p.bps)}` },
        ],
        event.clientX,
        event.clientY,
      ),
    )
    .on('mouseleave', hideTooltip);
}
