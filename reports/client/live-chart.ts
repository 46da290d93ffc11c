// A live SFU run: per subscriber (x publisher), the SFU's downlink estimate against the link's capacity
// and the bitrate the browser received, then the layer forwarded over time with each switch marked
// (its reason on hover); per publisher, the bitrate sent per simulcast layer and Chrome's
// availableOutgoingBitrate against the uplink capacity.
import { CAPACITY_FILL, CAPACITY_STROKE, addHoverCapture, createFrame, drawGrid, drawLeftAxis, drawLegend, drawNetworkMarks, drawTimeAxis } from './chart-frame.ts';
import type { Frame, Linear } from './chart-frame.ts';
import { formatMbps, formatMs, formatSeconds } from './format.ts';
import type { LivePublisherView, LiveRatePoint, LiveSubscriberView } from './live-model.ts';
import { liveValueAt, liveViews } from './live-model.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';

export interface LiveChartInput {
  timeline: readonly unknown[];
  durationMs: number;
  /** The run's colour (its estimator / selector label). */
  color: string;
}

const LIVE_RECEIVED_COLOR = '#555555';
const LIVE_AVAILABLE_COLOR = '#e15759';
const LIVE_LAYER_COLORS = ['#59a14f', '#f28e2b', '#4e79a7', '#b07aa1', '#76b7b2'];

export function renderLiveChart(container: HTMLElement, input: LiveChartInput): void {
  const views = liveViews(input.timeline);
  if (!views.subscribers.length && !views.publishers.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No SFU or browser samples in this run.');
    return;
  }
  for (const v of views.subscribers) {
    const block = d3.select(container).append('div').attr('class', 'live-subscriber').attr('data-subscriber', v.subscriberId).attr('data-publisher', v.publisherId);
    block.append('h4').text(`${v.subscriberId} receiving ${v.publisherId}`);
    const endMs = Math.max(input.durationMs, v.endMs, 1000);
    renderSubscriberRates(block.append('div').attr('class', 'live-rates').node() as HTMLElement, v, endMs, input.color);
    renderSubscriberLayers(block.append('div').attr('class', 'live-layers').node() as HTMLElement, v, endMs, input.color);
  }
  for (const v of views.publishers) {
    const block = d3.select(container).append('div').attr('class', 'live-publisher').attr('data-publisher', v.publisherId);
    block.append('h4').text(`${v.publisherId} sending`);
    renderPublisher(block.append('div').attr('class', 'live-sent').node() as HTMLElement, v, Math.max(input.durationMs, v.endMs, 1000));
  }
}

/** A step line through rate points, continued to endMs. */
function liveStepPath(points: readonly LiveRatePoint[], x: Linear, y: Linear, endMs: number): string {
  const pts: [number, number][] = points.map((p) => [x(p.tMs), y(p.bps)]);
  const last = points[points.length - 1];
  if (last && endMs > last.tMs) pts.push([x(endMs), y(last.bps)]);
  return d3.line().curve(d3.curveStepAfter)(pts) ?? '';
}

function liveCapacityArea(frame: Frame, points: readonly LiveRatePoint[], x: Linear, y: Linear, endMs: number, cls: string): void {
  if (!points.length) return;
  const pts: [number, number][] = points.map((p) => [x(p.tMs), y(p.bps)]);
  const last = points[points.length - 1];
  if (endMs > last.tMs) pts.push([x(endMs), y(last.bps)]);
  frame.clipped
    .append('path')
    .attr('class', cls)
    .attr('d', d3.area().x((p) => p[0]).y0(frame.height).y1((p) => p[1]).curve(d3.curveStepAfter)(pts) ?? '')
    .attr('fill', CAPACITY_FILL)
    .attr('stroke', CAPACITY_STROKE)
    .attr('stroke-width', 1);
}

function liveRateScale(frame: Frame, series: readonly (readonly LiveRatePoint[])[]): Linear {
  let top = 0;
  for (const s of series) for (const p of s) if (Number.isFinite(p.bps)) top = Math.max(top, p.bps);
  return d3.scaleLinear().domain([0, Math.max(top, 100_000) * 1.08]).nice().range([frame.height, 0]);
}

function renderSubscriberRates(el: HTMLElement, v: LiveSubscriberView, endMs: number, color: string): void {
  drawLegend(el, [
    { label: 'link capacity', color: CAPACITY_STROKE, swatch: 'area' },
    { label: 'SFU estimate', color, swatch: 'line' },
    { label: 'received bitrate', color: LIVE_RECEIVED_COLOR, swatch: 'dashed' },
  ]);
  const frame = createFrame(el, 260);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = liveRateScale(frame, [v.capacity, v.estimate, v.received]);
  drawGrid(frame, y, 5);
  drawNetworkMarks(frame, x, v.network);
  liveCapacityArea(frame, v.capacity, x, y, endMs, 'live-capacity');
  if (v.received.length) {
    frame.clipped
      .append('path')
      .attr('class', 'live-received')
      .attr('d', d3.line<LiveRatePoint>().x((p) => x(p.tMs)).y((p) => y(p.bps))(v.received) ?? '')
      .attr('fill', 'none')
      .attr('stroke', LIVE_RECEIVED_COLOR)
      .attr('stroke-dasharray', '3 3')
      .attr('stroke-width', 1.4);
  }
  if (v.estimate.length) frame.clipped.append('path').attr('class', 'live-estimate').attr('d', liveStepPath(v.estimate, x, y, endMs)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'rate (Mbps)', (b) => (b / 1e6).toString());
  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const est = liveValueAt(v.estimate, t);
    const cap = liveValueAt(v.capacity, t);
    const rx = liveValueAt(v.received, t);
    showTooltip(
      [
        { text: `${formatSeconds(t)}: estimate ${est ? formatMbps(est.bps) : '-'}`, emphasis: true, color },
        { text: `capacity ${cap ? formatMbps(cap.bps) : '-'}, received ${rx ? formatMbps(rx.bps) : '-'}` },
        ...(est?.reason ? [{ text: est.reason }] : []),
      ],
      event.clientX,
      event.clientY,
    );
  });
}

function renderSubscriberLayers(el: HTMLElement, v: LiveSubscriberView, endMs: number, color: string): void {
  if (!v.layers.length && !v.switches.length) {
    d3.select(el).append('p').attr('class', 'empty').text('No layer samples.');
    return;
  }
  drawLegend(el, [
    { label: 'layer forwarded', color, swatch: 'line' },
    { label: 'switch (hover: reason)', color: '#111111', swatch: 'area' },
  ]);
  const rids = v.rids.length ? v.rids : ['?'];
  const frame = createFrame(el, 40 + 42 + 34 * Math.max(2, rids.length));
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = d3.scalePoint<string>().domain([...rids].reverse()).range([0, frame.height]).padding(0.5);
  frame.plot
    .insert('g', ':nth-child(2)')
    .attr('class', 'grid')
    .selectAll('line')
    .data(rids)
    .join('line')
    .attr('x1', 0)
    .attr('x2', frame.width)
    .attr('y1', (r) => y(r) ?? 0)
    .attr('y2', (r) => y(r) ?? 0);
  drawNetworkMarks(frame, x, v.network);
  // The layer as a step line (samples each second, and each switch at its own time); gaps where nothing was forwarded yet.
  type Pt = { tMs: number; layer: string | null };
  const pts: Pt[] = [...v.layers.map((l) => ({ tMs: l.tMs, layer: l.layer })), ...v.switches.map((sw) => ({ tMs: sw.tMs, layer: sw.to }))].sort((a, b) => a.tMs - b.tMs);
  const last = pts[pts.length - 1];
  if (last && endMs > last.tMs) pts.push({ tMs: endMs, layer: last.layer });
  frame.clipped
    .append('path')
    .attr('class', 'live-layer')
    .attr(
      'd',
      d3
        .line<Pt>()
        .defined((p) => p.layer !== null && y(p.layer) !== undefined)
        .x((p) => x(p.tMs))
        .y((p) => y(p.layer ?? '') ?? 0)
        .curve(d3.curveStepAfter)(pts) ?? '',
    )
    .attr('fill', 'none')
    .attr('stroke', color)
    .attr('stroke-width', 2.5);
  frame.plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(d3.axisLeft(y));
  frame.plot.append('text').attr('class', 'axis-label axis-label-left').attr('transform', `translate(${-frame.margin.left + 14},${frame.height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('layer');
  drawTimeAxis(frame, x);
  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const l = liveValueAt(v.layers, t);
    showTooltip(
      [
        { text: `${formatSeconds(t)}: ${l?.layer ?? 'nothing'} forwarded${l?.pending ? `, waiting for ${l.pending}'s keyframe` : ''}`, emphasis: true, color },
        ...(l ? [{ text: `forwarded ${formatMbps(l.forwardedBps)}` }] : []),
        ...(l?.reason ? [{ text: l.reason }] : []),
      ],
      event.clientX,
      event.clientY,
    );
  });
  // Switch markers above the hover area, so that they get their own hover.
  const switchText = (s: (typeof v.switches)[number]) =>
    `${s.from ?? 'start'} -> ${s.to} at ${formatSeconds(s.tMs)} (keyframe after ${formatMs(s.waitedMs)}${s.atKeyframe ? '' : ', not at a keyframe!'})`;
  frame.plot
    .append('g')
    .attr('class', 'live-switches')
    .selectAll('path')
    .data(v.switches.filter((s) => y(s.to) !== undefined))
    .join('path')
    .attr('class', (s) => `live-switch ${s.from !== null && rids.indexOf(s.to) < rids.indexOf(s.from) ? 'live-switch-down' : 'live-switch-up'}`)
    .attr('data-t-ms', (s) => String(s.tMs))
    .attr('transform', (s) => `translate(${x(s.tMs)},${y(s.to) ?? 0})`)
    .attr('d', (s) => d3.symbol(s.from !== null && rids.indexOf(s.to) < rids.indexOf(s.from) ? d3.symbolTriangle : d3.symbolDiamond, 70)() ?? '')
    .attr('fill', (s) => LIVE_LAYER_COLORS[Math.max(0, rids.indexOf(s.to)) % LIVE_LAYER_COLORS.length])
    .attr('stroke', '#111111')
    .attr('stroke-width', 1)
    .on('mousemove', (event: MouseEvent, s) => {
      showTooltip([{ text: switchText(s), emphasis: true }, ...(s.reason ? [{ text: s.reason }] : [])], event.clientX, event.clientY);
    })
    .on('mouseleave', hideTooltip)
    .append('title')
    .text((s) => `${switchText(s)}${s.reason ? `: ${s.reason}` : ''}`);
}

function renderPublisher(el: HTMLElement, v: LivePublisherView, endMs: number): void {
  const colorOfRid = (rid: string) => LIVE_LAYER_COLORS[Math.max(0, v.rids.indexOf(rid)) % LIVE_LAYER_COLORS.length];
  drawLegend(el, [
    ...(v.capacity.length ? [{ label: 'uplink capacity', color: CAPACITY_STROKE, swatch: 'area' as const }] : []),
    ...v.sent.map((s) => ({ label: `sent: ${s.rid}`, color: colorOfRid(s.rid), swatch: 'line' as const })),
    { label: 'availableOutgoingBitrate', color: LIVE_AVAILABLE_COLOR, swatch: 'dashed' },
  ]);
  const frame = createFrame(el, 260);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = liveRateScale(frame, [v.capacity, v.availableOutgoing, ...v.sent.map((s) => s.points)]);
  drawGrid(frame, y, 5);
  drawNetworkMarks(frame, x, v.network);
  liveCapacityArea(frame, v.capacity, x, y, endMs, 'live-capacity');
  const line = d3.line<LiveRatePoint>().x((p) => x(p.tMs)).y((p) => y(p.bps));
  for (const s of v.sent) {
    frame.clipped.append('path').attr('class', 'live-sent').attr('data-rid', s.rid).attr('d', line(s.points) ?? '').attr('fill', 'none').attr('stroke', colorOfRid(s.rid)).attr('stroke-width', 1.8);
  }
  if (v.availableOutgoing.length) {
    frame.clipped.append('path').attr('class', 'live-available').attr('d', line(v.availableOutgoing) ?? '').attr('fill', 'none').attr('stroke', LIVE_AVAILABLE_COLOR).attr('stroke-dasharray', '5 3').attr('stroke-width', 1.6);
  }
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'rate (Mbps)', (b) => (b / 1e6).toString());
  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const avail = liveValueAt(v.availableOutgoing, t);
    const cap = liveValueAt(v.capacity, t);
    showTooltip(
      [
        { text: `${formatSeconds(t)}: available ${avail ? formatMbps(avail.bps) : '-'}${cap ? `, capacity ${formatMbps(cap.bps)}` : ''}`, emphasis: true, color: LIVE_AVAILABLE_COLOR },
        ...v.sent.map((s) => {
          const p = liveValueAt(s.points, t);
          return { text: `${s.rid}: ${p ? formatMbps(p.bps) : '-'}`, color: colorOfRid(s.rid) };
        }),
      ],
      event.clientX,
      event.clientY,
    );
  });
}
