// A scored live run, per subscriber (one series per video it saw, coloured and named in the legend when it saw
// several publishers): VMAF and PSNR per second with freezes shaded and the worst moments marked,
// the per-second video MOS (VMAF-based, freezes pulled to 1), then glass-to-glass latency over time, then the worst moments: with the run's thumbnails ('frame-thumbnail':
// the reference frame that was due next to the received one), or listed with their scores for older runs.
import { STALL_COLOR, addHoverCapture, createFrame, drawGrid, drawLeftAxis, drawLegend, drawRightAxis, drawTimeAxis } from './chart-frame.ts';
import { formatMs, formatSeconds } from './format.ts';
import type { LatencySecond, MomentThumbnail, ScoreSecond, VideoScores } from './score-model.ts';
import { subscriberVideos, videoName } from './score-model.ts';
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
/** One per video of a subscriber with several (none is the freeze red). */
const VIDEO_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

export function renderScoreChart(container: HTMLElement, input: ScoreChartInput): void {
  const subs = subscriberVideos(input.timeline);
  if (!subs.length) {
    d3.select(container).append('p').attr('class', 'empty').text('No scored seconds in this run.');
    return;
  }
  for (const sub of subs) {
    const block = d3.select(container).append('div').attr('class', 'score-peer').attr('data-peer', sub.peerId).attr('data-videos', String(sub.videos.length));
    block.append('h4').text(sub.videos.length > 1 ? `What ${sub.peerId} saw: ${sub.videos.length} videos` : `What ${sub.peerId} saw`);
    const series = sub.videos.map((v, i) => ({ v, name: videoName(v) || `video ${i + 1}`, color: VIDEO_COLORS[i % VIDEO_COLORS.length] }));
    const endMs = Math.max(input.durationMs, ...sub.videos.map((v) => v.endMs), 1000);
    renderQuality(block.append('div').attr('class', 'score-quality').node() as HTMLElement, series, endMs);
    if (sub.videos.some((v) => v.seconds.some((s) => s.videoMos !== null))) renderMos(block.append('div').attr('class', 'score-mos').node() as HTMLElement, series, endMs);
    if (sub.videos.some((v) => v.latency.length)) renderLatency(block.append('div').attr('class', 'score-latency').node() as HTMLElement, series, endMs);
    else block.append('p').attr('class', 'empty').text('No glass-to-glass latency measured.');
    for (const s of series) {
      const list = block.append('div').attr('class', 'worst-list').attr('data-video', s.v.label ?? '');
      if (series.length > 1) list.append('p').attr('class', 'video-name').style('color', s.color).text(`${s.name}:`);
      renderWorstList(list.node() as HTMLElement, s.v);
    }
  }
}

/** One subscriber video on the charts: its colour when the subscriber has several (one video keeps the metric colours). */
interface Series {
  v: VideoScores;
  name: string;
  color: string;
}

const mid = (s: { tMs: number }) => s.tMs + 500;

/** The second of `seconds` (sorted) holding t, or the last one before it; null before the first. */
function secondAt<T extends { tMs: number }>(seconds: readonly T[], t: number): T | null {
  const i = d3.bisector((s: T) => s.tMs).right(seconds as T[], t) - 1;
  return i >= 0 ? seconds[i] : null;
}

function renderQuality(el: HTMLElement, series: readonly Series[], endMs: number): void {
  const multi = series.length > 1;
  const hasVmaf = series.some((s) => s.v.seconds.some((x) => x.vmaf !== null));
  const neutral = '#555555';
  drawLegend(el, [
    ...(multi ? series.map((s) => ({ label: s.name, color: s.color, swatch: 'line' as const })) : []),
    ...(hasVmaf ? [{ label: 'VMAF', color: multi ? neutral : VMAF_COLOR, swatch: 'line' as const }] : []),
    { label: `PSNR (${hasVmaf ? 'right axis' : 'dB'})`, color: multi ? neutral : PSNR_COLOR, swatch: hasVmaf ? ('dashed' as const) : ('line' as const) },
    { label: 'freeze', color: STALL_COLOR, swatch: 'area' },
    { label: 'worst moment', color: multi ? neutral : WORST_COLOR, swatch: 'dashed' },
  ]);
  // The run's own reason (score-summary vmafMissing); results written before it was recorded do not say.
  for (const s of series) {
    if (s.v.seconds.some((x) => x.vmaf !== null)) continue;
    const reason = s.v.vmafMissing ?? 'the reason was not recorded in these results';
    d3.select(el).append('p').attr('class', 'note vmaf-missing').text(multi ? `No VMAF for ${s.name} (${reason}): PSNR only.` : `No VMAF for this run (${reason}): PSNR only.`);
  }
  const frame = createFrame(el, 280);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const psnrTop = Math.max(50, ...series.map((s) => d3.max(s.v.seconds, (x) => x.psnrDb) ?? 0));
  const yPsnr = d3.scaleLinear().domain([0, psnrTop]).nice().range([frame.height, 0]);
  const yVmaf = d3.scaleLinear().domain([0, 100]).range([frame.height, 0]);
  const yLeft = hasVmaf ? yVmaf : yPsnr;
  drawGrid(frame, yLeft, 5);

  const freezes = frame.clipped.append('g').attr('class', 'freezes');
  for (const s of series) {
    freezes
      .append('g')
      .selectAll('rect')
      .data(s.v.freezes)
      .join('rect')
      .attr('class', 'freeze')
      .attr('data-video', s.v.label ?? '')
      .attr('x', (f) => x(f.tMs))
      .attr('width', (f) => Math.max(1.5, x(f.tMs + f.durationMs) - x(f.tMs)))
      .attr('height', frame.height)
      .attr('fill', STALL_COLOR)
      .attr('fill-opacity', 0.18)
      .append('title')
      .text((f) => `${multi ? `${s.name}: ` : ''}freeze at ${formatSeconds(f.tMs)} for ${formatMs(f.durationMs)}`);
  }

  const line = (seconds: readonly ScoreSecond[], value: (s: ScoreSecond) => number | null, y: typeof yLeft) =>
    d3
      .line<ScoreSecond>()
      .defined((s) => value(s) !== null && Number.isFinite(value(s) as number))
      .x((s) => x(mid(s)))
      .y((s) => y(value(s) as number))(seconds as ScoreSecond[]) ?? '';
  for (const s of series) {
    const seriesHasVmaf = s.v.seconds.some((x) => x.vmaf !== null);
    if (seriesHasVmaf)
      frame.clipped
        .append('path')
        .attr('class', 'score-vmaf')
        .attr('data-video', s.v.label ?? '')
        .attr('d', line(s.v.seconds, (x) => x.vmaf, yVmaf))
        .attr('fill', 'none')
        .attr('stroke', multi ? s.color : VMAF_COLOR)
        .attr('stroke-width', 2)
        .append('title')
        .text(`${s.name}${s.name ? ': ' : ''}VMAF`);
    frame.clipped
      .append('path')
      .attr('class', 'score-psnr')
      .attr('data-video', s.v.label ?? '')
      .attr('d', line(s.v.seconds, (x) => x.psnrDb, yPsnr))
      .attr('fill', 'none')
      .attr('stroke', multi ? s.color : PSNR_COLOR)
      .attr('stroke-opacity', multi && hasVmaf ? 0.75 : 1)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', hasVmaf ? '4 3' : null);
  }

  const worst = frame.clipped.append('g').attr('class', 'worst-moments');
  for (const s of series) {
    const color = multi ? s.color : WORST_COLOR;
    for (const w of s.v.worst) {
      const g = worst.append('g').attr('class', 'worst-moment').attr('data-t-ms', String(w.tMs)).attr('data-video', s.v.label ?? '');
      g.append('line').attr('x1', x(w.tMs + 500)).attr('x2', x(w.tMs + 500)).attr('y1', 0).attr('y2', frame.height).attr('stroke', color).attr('stroke-dasharray', '2 3');
      g.append('path').attr('d', d3.symbol(d3.symbolTriangle, 60)()).attr('transform', `translate(${x(w.tMs + 500)},8) rotate(180)`).attr('fill', color);
      g.append('title').text(`${multi ? `${s.name}: ` : ''}worst moment at ${formatSeconds(w.tMs)}: ${w.metric === 'vmaf' ? `VMAF ${w.value.toFixed(1)}` : `PSNR ${w.value.toFixed(1)} dB`}`);
    }
  }

  drawTimeAxis(frame, x);
  if (hasVmaf) {
    drawLeftAxis(frame, yVmaf, 'VMAF', (v) => String(v));
    drawRightAxis(frame, yPsnr, 'PSNR (dB)', multi ? neutral : PSNR_COLOR);
  } else {
    drawLeftAxis(frame, yPsnr, 'PSNR (dB)', (v) => String(v));
  }

  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const at = series.flatMap((s) => {
      const sec = secondAt(s.v.seconds, t) ?? s.v.seconds[0];
      return sec ? [{ s, sec }] : [];
    });
    if (!at.length) return;
    const head = at[0].sec.tMs;
    const lines = at.flatMap(({ s, sec }) => {
      const frozen = s.v.freezes.filter((f) => f.tMs < sec.tMs + 1000 && f.tMs + f.durationMs > sec.tMs);
      return [
        ...(multi ? [{ text: `${s.name}${sec.tMs === head ? '' : ` (${formatSeconds(sec.tMs)})`}`, emphasis: true, color: s.color }] : []),
        { text: `VMAF ${sec.vmaf === null ? '-' : sec.vmaf.toFixed(1)}, PSNR ${sec.psnrDb.toFixed(1)} dB, SSIM ${Number.isFinite(sec.ssim) ? sec.ssim.toFixed(3) : '-'}` },
        ...(sec.videoMos !== null ? [{ text: `video MOS ${sec.videoMos.toFixed(2)}`, color: MOS_COLOR }] : []),
        { text: `${sec.framesDisplayed} frames shown, ${sec.framesScored} scored` },
        ...(frozen.length ? [{ text: `frozen: ${frozen.map((f) => formatMs(f.durationMs)).join(', ')}`, color: STALL_COLOR }] : []),
      ];
    });
    showTooltip([{ text: `${formatSeconds(head)}-${formatSeconds(head + 1000)}`, emphasis: true }, ...lines], event.clientX, event.clientY);
  });
}

/** The per-second video MOS (1-5) on its own axis, freezes shaded: where a second's VMAF/MOS dropped. */
function renderMos(el: HTMLElement, series: readonly Series[], endMs: number): void {
  const multi = series.length > 1;
  const withMos = series.filter((s) => s.v.seconds.some((x) => x.videoMos !== null));
  const about = 'video MOS per second (VMAF-based, frozen part of the second pulled to 1; not a standard)';
  drawLegend(el, [
    ...(multi ? [...withMos.map((s) => ({ label: s.name, color: s.color, swatch: 'line' as const })), { label: about, color: '#555555', swatch: 'line' as const }] : [{ label: about, color: MOS_COLOR, swatch: 'line' as const }]),
    { label: 'freeze', color: STALL_COLOR, swatch: 'area' },
  ]);
  const frame = createFrame(el, 180);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = d3.scaleLinear().domain([1, 5]).range([frame.height, 0]);
  drawGrid(frame, y, 4);
  for (const s of series) {
    frame.clipped
      .append('g')
      .selectAll('rect')
      .data(s.v.freezes)
      .join('rect')
      .attr('class', 'mos-freeze')
      .attr('data-video', s.v.label ?? '')
      .attr('x', (f) => x(f.tMs))
      .attr('width', (f) => Math.max(1.5, x(f.tMs + f.durationMs) - x(f.tMs)))
      .attr('height', frame.height)
      .attr('fill', STALL_COLOR)
      .attr('fill-opacity', 0.18);
  }
  for (const s of withMos) {
    const path =
      d3
        .line<ScoreSecond>()
        .defined((sec) => sec.videoMos !== null)
        .x((sec) => x(mid(sec)))
        .y((sec) => y(sec.videoMos as number))(s.v.seconds) ?? '';
    frame.clipped.append('path').attr('class', 'score-mos-line').attr('data-video', s.v.label ?? '').attr('d', path).attr('fill', 'none').attr('stroke', multi ? s.color : MOS_COLOR).attr('stroke-width', 2);
  }
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'video MOS', (v) => String(v));
  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const at = withMos.flatMap((s) => {
      const sec = secondAt(s.v.seconds, t) ?? s.v.seconds[0];
      return sec ? [{ s, sec }] : [];
    });
    if (!at.length) return;
    const head = at[0].sec.tMs;
    showTooltip(
      [
        { text: `${formatSeconds(head)}-${formatSeconds(head + 1000)}`, emphasis: true },
        ...at.flatMap(({ s, sec }) => [
          { text: `${multi ? `${s.name}: ` : ''}video MOS ${sec.videoMos === null ? '-' : sec.videoMos.toFixed(2)}`, color: multi ? s.color : MOS_COLOR },
          { text: `VMAF ${sec.vmaf === null ? '-' : sec.vmaf.toFixed(1)}` },
        ]),
      ],
      event.clientX,
      event.clientY,
    );
  });
}

function renderLatency(el: HTMLElement, series: readonly Series[], endMs: number): void {
  const multi = series.length > 1;
  const withLatency = series.filter((s) => s.v.latency.length > 0);
  drawLegend(el, [
    ...(multi ? withLatency.map((s) => ({ label: s.name, color: s.color, swatch: 'line' as const })) : []),
    { label: 'glass-to-glass latency, median per second', color: multi ? '#555555' : LATENCY_COLOR, swatch: 'line' },
    { label: 'max per second', color: multi ? '#555555' : LATENCY_COLOR, swatch: 'dashed' },
  ]);
  const frame = createFrame(el, 200);
  const x = d3.scaleLinear().domain([0, endMs]).range([0, frame.width]);
  const y = d3
    .scaleLinear()
    .domain([0, Math.max(50, ...withLatency.map((s) => d3.max(s.v.latency, (l) => l.maxMs) ?? 0)) * 1.1])
    .nice()
    .range([frame.height, 0]);
  drawGrid(frame, y, 4);
  const line = (latency: readonly LatencySecond[], value: (l: LatencySecond) => number) =>
    d3
      .line<LatencySecond>()
      .x((l) => x(mid(l)))
      .y((l) => y(value(l)))(latency as LatencySecond[]) ?? '';
  for (const s of withLatency) {
    const color = multi ? s.color : LATENCY_COLOR;
    frame.clipped.append('path').attr('class', 'latency-max').attr('data-video', s.v.label ?? '').attr('d', line(s.v.latency, (l) => l.maxMs)).attr('fill', 'none').attr('stroke', color).attr('stroke-dasharray', '4 3').attr('stroke-width', 1.2);
    frame.clipped.append('path').attr('class', 'latency-median').attr('data-video', s.v.label ?? '').attr('d', line(s.v.latency, (l) => l.medianMs)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
  }
  drawTimeAxis(frame, x);
  drawLeftAxis(frame, y, 'latency (ms)', (v) => String(v));
  addHoverCapture(frame, (mx, event) => {
    const t = x.invert(mx);
    const at = withLatency.flatMap((s) => {
      const l = secondAt(s.v.latency, t) ?? s.v.latency[0];
      return l ? [{ s, l }] : [];
    });
    if (!at.length) return;
    showTooltip(
      at.flatMap(({ s, l }) => [
        { text: `${multi ? `${s.name}, ` : ''}${formatSeconds(l.tMs)}: median ${formatMs(l.medianMs)}`, emphasis: true, color: multi ? s.color : LATENCY_COLOR },
        { text: `max ${formatMs(l.maxMs)} over ${l.frames} frames` },
      ]),
      event.clientX,
      event.clientY,
    );
  });
}

function renderWorstList(el: HTMLElement, p: VideoScores): void {
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
