/**
 * The backtest's visual report: one self-contained HTML page with one inline SVG chart per file.
 * A chart shows the values, the detector's band, the labelled anomaly windows (shaded), the
 * probationary period (hatched grey) and each detector's detections at its standard-profile
 * threshold, with the score traces underneath. A person checks a detector by looking at this.
 */
import type { FileRun } from './backtest.js';
import type { NabFile } from './corpus.js';
import type { ProfileResult } from './scorer.js';

export interface ReportDetector {
  name: string;
  runs: ReadonlyArray<FileRun>;
  /** The profile whose threshold decides what is drawn as a detection (standard). */
  result: ProfileResult;
  colour: string;
}

const WIDTH = 1200;
const PLOT_HEIGHT = 180;
const SCORE_HEIGHT = 28;
const PAD_LEFT = 64;
const PAD_RIGHT = 10;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/**
 * Min/max per pixel column keeps a 5,000-point series at ~2 points per pixel without hiding a
 * one-point spike, which plain striding would drop.
 */
function envelopePath(
  values: ArrayLike<number>,
  x: (i: number) => number,
  y: (v: number) => number,
  columns: number,
): string {
  const n = values.length;
  const perColumn = Math.max(1, n / columns);
  const parts: string[] = [];
  let pen = false;
  for (let start = 0; start < n; start += perColumn) {
    const from = Math.floor(start);
    const to = Math.min(n, Math.floor(start + perColumn));
    let lo = Infinity;
    let hi = -Infinity;
    let loAt = from;
    let hiAt = from;
    for (let i = from; i < Math.max(to, from + 1); i += 1) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      if (v < lo) [lo, loAt] = [v, i];
      if (v > hi) [hi, hiAt] = [v, i];
    }
    if (lo === Infinity) {
      pen = false;
      continue;
    }
    const pair = loAt === hiAt ? [loAt] : loAt < hiAt ? [loAt, hiAt] : [hiAt, loAt];
    for (const i of pair) {
      parts.push(`${pen ? 'L' : 'M'}${fmt(x(i))} ${fmt(y(values[i]!))}`);
      pen = true;
    }
  }
  return parts.join('');
}

/** The band as one closed polygon per contiguous run of rows that have one. */
function bandPath(
  lower: Float64Array,
  upper: Float64Array,
  x: (i: number) => number,
  y: (v: number) => number,
  columns: number,
): string {
  const n = lower.length;
  const step = Math.max(1, Math.floor(n / columns));
  const paths: string[] = [];
  let top: string[] = [];
  let bottom: string[] = [];
  const flush = (): void => {
    if (top.length > 1) paths.push(`M${top.join('L')}L${bottom.reverse().join('L')}Z`);
    top = [];
    bottom = [];
  };
  for (let i = 0; i < n; i += step) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i; j < Math.min(n, i + step); j += 1) {
      if (!Number.isNaN(lower[j]!)) lo = Math.min(lo, lower[j]!);
      if (!Number.isNaN(upper[j]!)) hi = Math.max(hi, upper[j]!);
    }
    if (lo === Infinity || hi === -Infinity) {
      flush();
      continue;
    }
    top.push(`${fmt(x(i))} ${fmt(y(hi))}`);
    bottom.push(`${fmt(x(i))} ${fmt(y(lo))}`);
  }
  flush();
  return paths.join('');
}

function chart(file: NabFile, detectors: ReadonlyArray<ReportDetector>, index: number): string {
  const main = detectors[0]!;
  const run = main.runs[index]!;
  const n = file.values.length;
  const plotWidth = WIDTH - PAD_LEFT - PAD_RIGHT;
  const x = (i: number): number => PAD_LEFT + (n > 1 ? (i / (n - 1)) * plotWidth : 0);
  // The y range follows the data, not the band: an early, wide band must not flatten the series.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of file.values) {
    if (Number.isNaN(v)) continue; // a missing sample
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) [lo, hi] = [0, 0];
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const margin = (hi - lo) * 0.08;
  lo -= margin;
  hi += margin;
  const y = (v: number): number => 8 + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (PLOT_HEIGHT - 16);
  const outcome = main.result.files[index]!;
  const probationX = x(outcome.probation);

  const windows = file.windows
    .map(
      (w) =>
        `<rect class="window" x="${fmt(x(w.start))}" y="0" width="${fmt(Math.max(1, x(w.end) - x(w.start)))}" height="${PLOT_HEIGHT}"/>`,
    )
    .join('');
  const marks = detectors
    .map((detector, d) => {
      const detections = detector.result.files[index]!.detections;
      const yMark = d === 0 ? null : PLOT_HEIGHT - 4 - 6 * (d - 1);
      return detections
        .map((i) =>
          yMark === null
            ? `<circle cx="${fmt(x(i))}" cy="${fmt(y(file.values[i]!))}" r="3.5" fill="${detector.colour}"/>`
            : `<rect x="${fmt(x(i) - 1.5)}" y="${fmt(yMark)}" width="3" height="5" fill="${detector.colour}"/>`,
        )
        .join('');
    })
    .join('');
  const scoreRows = detectors
    .map((detector, d) => {
      const top = PLOT_HEIGHT + 6 + d * (SCORE_HEIGHT + 4);
      const ys = (s: number): number => top + (1 - s) * SCORE_HEIGHT;
      const threshold = detector.result.threshold;
      const thresholdLine =
        threshold <= 1
          ? `<line class="threshold" x1="${PAD_LEFT}" x2="${WIDTH - PAD_RIGHT}" y1="${fmt(ys(threshold))}" y2="${fmt(ys(threshold))}"/>`
          : '';
      return (
        `<rect class="lane" x="${PAD_LEFT}" y="${top}" width="${plotWidth}" height="${SCORE_HEIGHT}"/>` +
        `<path d="${envelopePath(detector.runs[index]!.scores, x, ys, plotWidth)}" stroke="${detector.colour}" class="score"/>` +
        thresholdLine +
        `<text x="${PAD_LEFT + 4}" y="${top + 11}" class="lane-label">${escapeHtml(detector.name)} score</text>`
      );
    })
    .join('');
  const height = PLOT_HEIGHT + 10 + detectors.length * (SCORE_HEIGHT + 4);
  const legend = detectors
    .map((detector) => {
      const f = detector.result.files[index]!;
      return `<span style="color:${detector.colour}">${escapeHtml(detector.name)}</span>: ${f.hits} hit, ${f.misses} missed, ${f.falsePositives} FP, raw ${f.raw.toFixed(2)}`;
    })
    .join(' &nbsp;·&nbsp; ');
  return `<section>
<h2>${escapeHtml(file.key)}</h2>
<p class="meta">${n} rows, step ${run.stepSeconds}s, models: ${escapeHtml(run.models.join(' → ') || 'none')} · ${legend}</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<rect class="probation" x="${PAD_LEFT}" y="0" width="${fmt(probationX - PAD_LEFT)}" height="${PLOT_HEIGHT}"/>
${windows}
<path class="band" d="${bandPath(run.lower, run.upper, x, y, plotWidth / 2)}"/>
<path class="forecast" d="${envelopePath(run.forecast, x, y, plotWidth)}"/>
<path class="values" d="${envelopePath(file.values, x, y, plotWidth)}"/>
${marks}
<text x="${PAD_LEFT - 4}" y="14" class="axis">${escapeHtml(hi.toPrecision(4))}</text>
<text x="${PAD_LEFT - 4}" y="${PLOT_HEIGHT - 4}" class="axis">${escapeHtml(lo.toPrecision(4))}</text>
${scoreRows}
</svg>
</section>`;
}

export interface ReportInput {
  title: string;
  files: ReadonlyArray<NabFile>;
  detectors: ReadonlyArray<ReportDetector>;
  /** Profile scores per detector, for the header table. */
  scores: ReadonlyArray<{ detector: string; profiles: Record<string, ProfileResult> }>;
}

export function renderReport(input: ReportInput): string {
  const profileNames = Object.keys(input.scores[0]?.profiles ?? {});
  const header = `<tr><th>detector</th>${profileNames.map((p) => `<th>${escapeHtml(p)} (θ)</th>`).join('')}</tr>`;
  const rows = input.scores
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.detector)}</td>${profileNames
          .map((p) => `<td>${s.profiles[p]!.score.toFixed(1)} (${s.profiles[p]!.threshold.toFixed(4)})</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const charts = input.files.map((file, i) => chart(file, input.detectors, i)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222;background:#fff}
h1{font-size:18px}h2{font-size:14px;margin:18px 0 2px}
.meta{margin:0 0 4px;color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
.key span{display:inline-block;margin-right:14px}
.window{fill:#f4b400;opacity:.22}.probation{fill:#999;opacity:.15}
.band{fill:#4a90d9;opacity:.22;stroke:none}.forecast{fill:none;stroke:#4a90d9;stroke-width:.8;opacity:.8}
.values{fill:none;stroke:#222;stroke-width:1}.score{fill:none;stroke-width:1}
.lane{fill:#f6f6f6}.threshold{stroke:#d33;stroke-dasharray:3 3;stroke-width:.8}
.axis{font-size:10px;text-anchor:end;fill:#666}.lane-label{font-size:10px;fill:#666}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<table>${header}${rows}</table>
<p class="key"><span>black: values</span><span>blue: forecast and band</span><span>amber: labelled anomaly windows</span>
<span>grey: probationary period</span><span>dots: ${escapeHtml(input.detectors[0]?.name ?? '')} detections at its standard θ;
ticks at the bottom: the other detectors'</span><span>lanes: anomaly scores, dashed: θ</span></p>
${charts}
</body></html>
`;
}
