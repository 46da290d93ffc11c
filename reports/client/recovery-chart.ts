// Connection recovery side by side: one lane per run (its ICE-restart policy) and peer, coloured by the
// connection state, with the policy's restarts / full reconnects marked, the outage shaded across all
// lanes and the moment video came back on each subscriber; below, the recovery figures per policy.
import { NETWORK_COLOR, createFrame, drawLegend, drawTimeAxis } from './chart-frame.ts';
import { formatDuration, formatSeconds } from './format.ts';
import type { LaneAction, LaneState, RecoveryRunInput } from './recovery-model.ts';
import { LANE_STATES, recoveryView } from './recovery-model.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';

const RECOVERY_STATE_COLORS: Record<LaneState, string> = {
  new: '#d5d5d5',
  checking: '#f1ce63',
  connected: '#59a14f',
  disconnected: '#f28e2b',
  failed: '#e15759',
  closed: '#6f6f6f',
};
const RECOVERY_LANE_PX = 24;
const RECOVERY_RESUMED_COLOR = '#1f5fbf';

function recoveryActionSymbol(kind: LaneAction['kind']): string {
  const type = kind === 'full-reconnect' ? d3.symbolSquare : kind === 'restart-ice' || kind === 'sfu-ice-restart' ? d3.symbolTriangle : d3.symbolCircle;
  return d3.symbol(type, kind === 'network-change' ? 30 : 60)() ?? '';
}

export function renderRecoveryChart(container: HTMLElement, runs: readonly RecoveryRunInput[], durationMs: number): void {
  const view = recoveryView(runs, durationMs);
  if (!view.lanes.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No connection events in these runs.');
    return;
  }
  drawLegend(container, [
    ...LANE_STATES.map((s) => ({ label: s, color: RECOVERY_STATE_COLORS[s], swatch: 'area' as const })),
    { label: 'outage', color: NETWORK_COLOR, swatch: 'area' },
    { label: 'media back', color: RECOVERY_RESUMED_COLOR, swatch: 'line' },
  ]);
  d3.select(container)
    .append('p')
    .attr('class', 'note recovery-markers-note')
    .text('▼ ICE restart (page), ▽ ICE restart answered by the SFU, ■ full reconnect, ● network-change signal');
  const frame = createFrame(container, 34 + 42 + RECOVERY_LANE_PX * view.lanes.length + 8, { top: 34, right: 60, bottom: 42, left: 190 });
  const x = d3.scaleLinear().domain([0, view.endMs]).range([0, frame.width]);
  const laneY = (i: number) => 4 + i * RECOVERY_LANE_PX;
  const laneH = RECOVERY_LANE_PX - 6;

  const lanes = frame.clipped.append('g').attr('class', 'recovery-lanes');
  view.lanes.forEach((lane, i) => {
    const g = lanes.append('g').attr('class', 'recovery-lane').attr('data-run', String(lane.runIndex)).attr('data-policy', lane.policy).attr('data-peer', lane.peerId);
    for (const iv of lane.intervals) {
      g.append('rect')
        .attr('class', `recovery-state recovery-state-${iv.state}`)
        .attr('data-state', iv.state)
        .attr('data-start-ms', String(iv.startMs))
        .attr('x', x(iv.startMs))
        .attr('width', Math.max(1, x(iv.endMs) - x(iv.startMs)))
        .attr('y', laneY(i))
        .attr('height', laneH)
        .attr('fill', RECOVERY_STATE_COLORS[iv.state])
        .append('title')
        .text(`${lane.policy} · ${lane.peerId}: ${iv.state} from ${formatSeconds(iv.startMs)} for ${formatDuration(iv.endMs - iv.startMs)}`);
    }
  });

  // The outage over every lane, above the states so that it reads as a window.
  frame.clipped
    .append('g')
    .attr('class', 'recovery-outages')
    .selectAll('rect')
    .data(view.outages)
    .join('rect')
    .attr('class', 'recovery-outage')
    .attr('data-start-ms', (o) => String(o.startMs))
    .attr('x', (o) => x(o.startMs))
    .attr('width', (o) => Math.max(2, x(o.endMs) - x(o.startMs)))
    .attr('y', 0)
    .attr('height', frame.height)
    .attr('fill', NETWORK_COLOR)
    .attr('fill-opacity', 0.35)
    .attr('stroke', NETWORK_COLOR)
    .attr('stroke-dasharray', '4 3')
    .append('title')
    .text((o) => `${o.type} at ${formatSeconds(o.startMs)}: path dark for ${formatDuration(o.endMs - o.startMs)}${o.detail ? ` (${o.detail})` : ''}`);
  const outageLabels = frame.plot.append('g').attr('class', 'network-labels');
  for (const o of view.outages) outageLabels.append('text').attr('class', 'network-label').attr('x', x(o.startMs) + 2).attr('y', -6).text(`${o.type} (outage ${formatDuration(o.endMs - o.startMs)})`);

  // Labels, markers and resume ticks on top (their own hover).
  const top = frame.plot.append('g').attr('class', 'recovery-marks');
  view.lanes.forEach((lane, i) => {
    frame.plot
      .append('text')
      .attr('class', 'recovery-lane-label')
      .attr('x', -8)
      .attr('y', laneY(i) + laneH / 2 + 4)
      .attr('text-anchor', 'end')
      .text(`${lane.policy} · ${lane.peerId}`);
    const cy = laneY(i) + laneH / 2;
    for (const a of lane.actions) {
      const text = `${lane.policy} · ${lane.peerId}: ${a.kind} at ${formatSeconds(a.tMs)}${a.detail ? `: ${a.detail}` : ''}`;
      top
        .append('path')
        .attr('class', `recovery-action recovery-${a.kind}`)
        .attr('data-t-ms', String(a.tMs))
        .attr('data-peer', lane.peerId)
        .attr('data-run', String(lane.runIndex))
        .attr('transform', `translate(${x(a.tMs)},${cy}) rotate(${a.kind === 'restart-ice' || a.kind === 'sfu-ice-restart' ? 180 : 0})`)
        .attr('d', recoveryActionSymbol(a.kind))
        .attr('fill', a.kind === 'sfu-ice-restart' ? '#ffffff' : '#111111')
        .attr('stroke', '#111111')
        .attr('stroke-width', 1)
        .on('mousemove', (event: MouseEvent) => showTooltip([{ text, emphasis: true }], event.clientX, event.clientY))
        .on('mouseleave', hideTooltip)
        .append('title')
        .text(text);
    }
    for (const r of lane.resumes) {
      if (r.tMs === null) {
        top
          .append('text')
          .attr('class', 'recovery-never')
          .attr('data-run', String(lane.runIndex))
          .attr('data-peer', lane.peerId)
          .attr('x', frame.width - 4)
          .attr('y', cy + 4)
          .attr('text-anchor', 'end')
          .text('never recovered');
        continue;
      }
      const text = `${lane.policy} · ${lane.peerId}: video back at ${formatSeconds(r.tMs)}, ${formatDuration(r.tMs - r.outageStartMs)} after the path went dark`;
      top
        .append('line')
        .attr('class', 'recovery-resumed')
        .attr('data-t-ms', String(r.tMs))
        .attr('data-peer', lane.peerId)
        .attr('data-run', String(lane.runIndex))
        .attr('x1', x(r.tMs))
        .attr('x2', x(r.tMs))
        .attr('y1', laneY(i) - 2)
        .attr('y2', laneY(i) + laneH + 2)
        .attr('stroke', RECOVERY_RESUMED_COLOR)
        .attr('stroke-width', 3)
        .on('mousemove', (event: MouseEvent) => showTooltip([{ text, emphasis: true, color: RECOVERY_RESUMED_COLOR }], event.clientX, event.clientY))
        .on('mouseleave', hideTooltip)
        .append('title')
        .text(text);
    }
  });
  drawTimeAxis(frame, x);

  const table = d3.select(container).append('table').attr('class', 'recovery-metrics');
  const head = table.append('thead').append('tr');
  head.append('th').text('recovery');
  for (const p of view.policies) head.append('th').text(p);
  const body = table.append('tbody');
  for (const row of view.rows) {
    const tr = body.append('tr').attr('data-metric', row.key);
    tr.append('th').text(row.label);
    for (const c of row.cells) tr.append('td').attr('class', c.startsWith('never recovered') ? 'fail-sample' : null).text(c);
  }

  // Every handover and subscriber the runs recorded (the metrics above are the worst of these).
  if (view.handovers.length) {
    const t = d3.select(container).append('table').attr('class', 'recovery-handovers');
    const h = t.append('thead').append('tr');
    for (const c of ['policy', 'handover', 'subscriber', 'media back', 'frozen', 'bitrate after', 'ramp to 80%']) h.append('th').text(c);
    const b = t.append('tbody');
    for (const row of view.handovers) {
      const tr = b.append('tr').attr('data-run', String(row.runIndex)).attr('data-subscriber', row.subscriber);
      tr.append('td').text(row.policy);
      tr.append('td').text(`${row.moving} to ${row.to} at ${(row.atMs / 1000).toFixed(1)} s`);
      tr.append('td').text(row.subscriber);
      row.cells.forEach((c, i) => tr.append('td').attr('class', i === 0 && !row.recovered ? 'fail-sample' : null).text(c));
    }
  }
}
