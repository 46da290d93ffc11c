// A scored live run, per subscriber: VMAF and PSNR per second with freezes shaded and the worst moments marked,
// the per-second video MOS (VMAF-based, freezes pulled to 1), then glass-to-glass latency over time, then the worst moments: with the run's thumbnails ('frame-thumbnail':
// the reference frame that was due next to the received one), or listed with their scores for older runs.
import { STALL_COLOR, addHoverCapture, createFrame, drawGrid, drawLeftAxis, drawLegend, drawRightAxis, drawTimeAxis } from './chart-frame.ts';
import { formatMs, formatSeconds } from './format.ts';
import type { LatencySecond, MomentThumbnail, PeerScores, ScoreSecond } from './score-model.ts';
import { peerScores } from './score-model.ts';
import { showTooltip } from './tooltip.ts';

export interface ScoreChartInput {
  timeline: readonly unknown[];
  durationMs: number;
}

const VMAF_COLOR = '#1f77b4';
const PSNR_COLOR = '#ff7f0e';
const LATENCY_COLOR = '#2ca02c';
const WORST_COLOR = '#111111';
const MOS_COLOR = '#9467bd';

export function renderScoreChart(container: HTMLElement, input: ScoreChartInput): void {
  const peers = peerScores(input.timeline);
  if (!peers.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No scored seconds in this run.');
    return;
  }
  for (const p of peers) {
    const block = d3.select(container).append('div').attr('class', 'score-peer').attr('data-peer', p.peerId);
    block.append('h4').text(`What ${p.peerId} saw`);
    const endMs = Math.max(input.durationMs, p.endMs, 1000);
    renderQuality(block.append('div').attr('class', 'score-quality').node() as HTMLElement, p, endMs);
    if (p.seconds.some((s) => s.videoMos !== null)) renderMos(block.append('div').attr('class', 'score-mos').node() as HTMLElement, p, endMs);
    if (p.latency.length) renderLatency(block.append('div').attr('class', 'score-latency').node() as HTMLElement, p.latency, endMs);
    else block.append('p').attr('class', 'empty').text('No glass-to-glass latency measured.');
    renderWorstList(block.append('div').attr('class', 'worst-list').node() as HTMLElement, p);
  }
}

const mid = (s: { tMs: number }) => s.tMs + 500;

function renderQuality(el: HTMLElement, p: PeerScores, endMs: number): void {
  const hasVmaf = p.seconds.some((s) => s.vmaf !== null);
  drawLegend(el, [
    ...(hasVmaf ? [{ label: 'VMAF', color: VMAF_COLOR, swatch: 'line' as const }] : []),
    { label: `PSNR (${hasVmaf ? 'right axis' : 'dB'})`, color: PSNR_COLOR, swatch: hasVmaf ? ('dashed' as const) : ('line' as const) },
    { label: 'freeze', color: STALL_COLOR, swatch: 'area' },
    { label: 'worst moment', color: WORST_COLOR, swatch: 'dashed' },
  ]);
  // The run's own reason (score-summary vmafMissing); results written before it was recorded do not say.
  if (!hasVmaf) d3.select(el).append('p').attr('class', 'note vmaf-missing').text(`No VMAF for this run (${p.vmafMissing ?? 'the reason was not recorded in these results'}): PSNR only.`);
  const frame = createFrame(el, 280);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const psnrTop = Math.max(50, d3.max(p.seconds, (s) => s.psnrDb) ?? 0);
  const yPsnr = d3.scaleLinear().domain([0, psnrTop]).nice().range([frame.height, 0]);
  const yVmaf = d3.scaleLinear().domain([0, 100]).range([frame.height, 0]);
  const yLeft = hasVmaf ? yVmaf : yPsnr;
  drawGrid(frame, yLeft, 5);

  frame.clipped
    .append('g')
    .attr('class', 'freezes')
    .selectAll('rect')
    .data(p.freezes)
    .join('rect')
    .attr('class', 'freeze')
    .attr('x', (f) => x(f.tMs))
    .attr('width', (f) => Math.max(1.5, x(f.tMs + f.durationMs) - x(f.tMs)))
    .attr('height', frame.height)
    .attr('fill', STALL_COLOR)
    .attr('fill-opacity', 0.18)
    .append('title')
    .text((f) => `freeze at ${formatSeconds(f.tMs)} for ${formatMs(f.durationMs)}`);

  const line = (value: (s: ScoreSecond) => number | null, y: typeof yLeft) =>
    d3
      .line<ScoreSecond>()
      .defined((s) => value(s) !== null && Number.isFinite(value(s) as number))
      .x((s) => x(mid(s)))
      .y((s) => y(value(s) as number))(p.seconds) ?? '';
  if (hasVmaf) frame.clipped.append('path').attr('class', 'score-vmaf').attr('d', line((s) => s.vmaf, yVmaf)).attr('fill', 'none').attr('stroke', VMAF_COLOR).attr('stroke-width', 2);
  frame.clipped
    .append('path')
    .attr('class', 'score-psnr')
    .attr('d', line((s) => s.psnrDb, yPsnr))
    .attr('fill', 'none')
    .attr('stroke', PSNR_COLOR)
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', hasVmaf ? '4 3' : null);

  const worst = frame.clipped.append('g').attr('class', 'worst-moments');
  for (const w of p.worst) {
    const g = worst.append('g').attr('class', 'worst-moment').attr('data-t-ms', String(w.tMs));
    g.append('line').attr('x1', x(w.tMs + 500)).attr('x2', x(w.tMs + 500)).attr('y1', 0).attr('y2', frame.height).attr('stroke', WORST_COLOR).attr('stroke-dasharray', '2 3');
    g.append('path').attr('d', d3.symbol(d3.symbolTriangle, 60)()).attr('transform', `translate(${x(w.tMs + 500)},8) rotate(180)`).attr('fill', WORST_COLOR);
    g.append('title').text(`worst moment at ${formatSeconds(w.tMs)}: ${w.metric === 'vmaf' ? `VMAF ${w.value.toFixed(1)}` : `PSNR ${w.value.toFixed(1)} dB`}`);
  }

  drawTimeAxis(frame, x);
  if (hasVmaf) {
    drawLeftAxis(frame, yVmaf, 'VMAF', (v) => String(v));
    drawRightAxis(frame, yPsnr, 'PSNR (dB)', PSNR_COLOR);
  } else {
    drawLeftAxis(frame, yPsnr, 'PSNR (dB)', (v) => String(v));
  }

  const bisect = d3.bisector((s: ScoreSecond) => s.tMs).right;
  addHoverCapture(frame, (mx, event) => {
    const s = p.seconds[Math.max(0, bisect(p.seconds, x.invert(mx)) - 1)];
    const frozen = p.freezes.filter((f) => f.tMs < s.tMs + 1000 && f.tMs + f.durationMs > s.tMs);
    showTooltip(
      [
        { text: `${formatSeconds(s.tMs)}-${formatSeconds(s.tMs + 1000)}`, emphasis: true },
        { text: `VMAF ${s.vmaf === null ? '-' : s.vmaf.toFixed(1)}, PSNR ${s.psnrDb.toFixed(1)} dB, SSIM ${Number.isFinite(s.ssim) ? s.ssim.toFixed(3) : '-'}` },
        ...(s.videoMos !== null ? [{ text: `video MOS ${s.videoMos.toFixed(2)}`, color: MOS_COLOR }] : []),
        { text: `${s.framesDisplayed} frames shown, ${s.framesScored} scored` },
        ...(frozen.length ? [{ text: `frozen: ${frozen.map((f) => formatMs(f.durationMs)).join(', ')}`, color: STALL_COLOR }] : []),
      ],
      event.clientX,
      event.clientY,
    );
  });
}

/** The per-second video MOS (1-5) on its own axis, freezes shaded: where a second's VMAF/MOS dropped. */
function renderMos(el: HTMLElement, p: PeerScores, endMs: number): void {
  drawLegend(el, [
    { label: 'video MOS per second (VMAF-based, frozen part of the second pulled to 1; not a standard)', color: MOS_COLOR, swatch: 'line' },
    { label: 'freeze', color: STALL_COLOR, swatch: 'area' },
  ]);
  const frame = createFrame(el, 180);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = d3.scaleLinear().domain([1, 5]).range([frame.height, 0]);
  drawGrid(frame, y, 4);
  frame.clipped
    .append('g')
    .selectAll('rect')
    .data(p.freezes)
    .join('rect')
    .attr('class', 'mos-freeze')
    .attr('x', (f) => x(f.tMs))
    .attr('width', (f) => Math.max(1.5, x(f.tMs + f.durationMs) - x(f.tMs)))
    .attr('height', frame.height)
    .attr('fill', STALL_COLOR)
    .attr('fill-opacity', 0.18);
  const path =
    d3
      .line<ScoreSecond>()
      .defined((s) => s.videoMos !== null)
      .x((s) => x(mid(s)))
      .y((s) => y(s.videoMos as number))(p.seconds) ?? '';
  frame.clipped.append('path').attr('class', 'score-mos-line').attr('d', path).attr('fill', 'none').attr('stroke', MOS_COLOR).attr('stroke-width', 2);
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'video MOS', (v) => String(v));
  const bisect = d3.bisector((s: ScoreSecond) => s.tMs).right;
  addHoverCapture(frame, (mx, event) => {
    const s = p.seconds[Math.max(0, bisect(p.seconds, x.invert(mx)) - 1)];
    showTooltip(
      [
        { text: `${formatSeconds(s.tMs)}-${formatSeconds(s.tMs + 1000)}`, emphasis: true },
        { text: `video MOS ${s.videoMos === null ? '-' : s.videoMos.toFixed(2)}`, color: MOS_COLOR },
        { text: `VMAF ${s.vmaf === null ? '-' : s.vmaf.toFixed(1)}` },
      ],
      event.clientX,
      event.clientY,
    );
  });
}

function renderLatency(el: HTMLElement, latency: readonly LatencySecond[], endMs: number): void {
  drawLegend(el, [
    { label: 'glass-to-glass latency, median per second', color: LATENCY_COLOR, swatch: 'line' },
    { label: 'max per second', color: LATENCY_COLOR, swatch: 'dashed' },
  ]);
  const frame = createFrame(el, 200);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = d3
    .scaleLinear()
    .domain([0, Math.max(50, d3.max(latency, (l) => l.maxMs) ?? 0) * 1.1])
    .nice()
    .range([frame.height, 0]);
  drawGrid(frame, y, 4);
  const line = (value: (l: LatencySecond) => number) =>
    d3
      .line<LatencySecond>()
      .x((l) => x(mid(l)))
      .y((l) => y(value(l)))(latency as LatencySecond[]) ?? '';
  frame.clipped.append('path').attr('class', 'latency-max').attr('d', line((l) => l.maxMs)).attr('fill', 'none').attr('stroke', LATENCY_COLOR).attr('stroke-dasharray', '4 3').attr('stroke-width', 1.2);
  frame.clipped.append('path').attr('class', 'latency-median').attr('d', line((l) => l.medianMs)).attr('fill', 'none').attr('stroke', LATENCY_COLOR).attr('stroke-width', 2);
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'latency (ms)', (v) => String(v));
  const bisect = d3.bisector((l: LatencySecond) => l.tMs).right;
  addHoverCapture(frame, (mx, event) => {
    const l = latency[Math.max(0, bisect(latency as LatencySecond[], x.invert(mx)) - 1)];
    showTooltip(
      [
        { text: `${formatSeconds(l.tMs)}: median ${formatMs(l.medianMs)}`, emphasis: true, color: LATENCY_COLOR },
        { text: `max ${formatMs(l.maxMs)} over ${l.frames} frames` },
      ],
      event.clientX,
      event.clientY,
    );
  });
}

function renderWorstList(el: HTMLElement, p: PeerScores): void {
  if (p.thumbnails.length) {
    renderThumbnails(el, p.thumbnails);
    return;
  }
  if (!p.worst.length) return;
  const div = d3.select(el);
  div.append('p').attr('class', 'note').text('Worst moments (no frame thumbnails stored for this run):');
  const ul = div.append('ul').attr('class', 'worst-moments-list');
  for (const w of p.worst) {
    const s = p.seconds.find((x) => x.tMs === w.tMs);
    const parts = [`${formatSeconds(w.tMs)}`, s && s.vmaf !== null ? `VMAF ${s.vmaf.toFixed(1)}` : '', s ? `PSNR ${s.psnrDb.toFixed(1)} dB` : ''];
    const frozen = p.freezes.some((f) => f.tMs < w.tMs + 1000 && f.tMs + f.durationMs > w.tMs);
    ul.append('li').text(parts.filter(Boolean).join(', ') + (frozen ? ' (during a freeze)' : ''));
  }
}

/** One row per stored moment: when, which frames, their scores, then the reference next to the received picture. */
function renderThumbnails(el: HTMLElement, thumbs: readonly MomentThumbnail[]): void {
  const div = d3.select(el);
  div.append('p').attr('class', 'note').text('Worst moments: the reference frame that was due, next to what the viewer saw.');
  const ul = div.append('ul').attr('class', 'worst-moments-list worst-thumbnails');
  for (const t of thumbs) {
    const li = ul.append('li').attr('class', 'worst-thumb-row').attr('data-t-ms', String(t.tMs));
    const text = li.append('div').attr('class', 'worst-thumb-text');
    text.append('strong').text(formatSeconds(t.tMs));
    text.append('span').text(`VMAF ${t.vmaf === null ? '-' : t.vmaf.toFixed(1)}, PSNR ${t.psnrDb.toFixed(1)} dB, SSIM ${Number.isFinite(t.ssim) ? t.ssim.toFixed(3) : '-'}`);
    text
      .append('span')
      .text(t.frozen ? `frozen ${formatMs(t.heldMs)}: frame ${t.shownNumber} still shown, ${t.referenceNumber} was due` : t.referenceNumber === t.shownNumber ? `frame ${t.shownNumber}` : `frame ${t.shownNumber} shown, ${t.referenceNumber} was due`);
    const figure = (cls: string, src: string, caption: string) => {
      const f = li.append('figure').attr('class', `worst-thumb ${cls}`);
      f.append('img').attr('src', src).attr('width', t.width).attr('height', t.height).attr('alt', caption);
      f.append('figcaption').text(caption);
    };
    figure('thumb-reference', t.reference, `reference, frame ${t.referenceNumber}`);
    figure('thumb-received', t.received, `received, frame ${t.shownNumber}`);
  }
}
