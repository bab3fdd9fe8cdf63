import { writeFileSync } from 'node:fs';
import { chartLibrarySource } from './chart-library.js';
import { CHART_SCRIPT, ERROR_SCRIPT } from './chart-script.js';
import { chartSpecs, reportFigures, type Figure } from './charts.js';
import type { Comparison } from './comparison.js';
import { escapeHtml, escapeScriptText, jsonForScript } from './html-escape.js';
import { comparisonTable, failuresTable, lockStatTable } from './html-table.js';
import { formatNs } from './units.js';

/**
 * `vpmu-lab compare --html FILE` and `run --html FILE`: one self-contained page — the
 * comparison table, lock_stat, the failures, and charts drawn by Chart.js inlined into the
 * page (nothing is fetched when it is viewed).
 */

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1f; margin: 0; background: #fafafa; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 0; }
.meta span + span::before { content: ' · '; color: #aaa; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid #e2e2e2; padding: 6px 9px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f3; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.median { display: block; font-weight: 600; }
.spread, .ratio, .summary { display: block; font-size: 12px; color: #666; }
.summary { font-weight: normal; max-width: 22em; }
.note { color: #a15c00; }
.design { font-weight: 600; }
.none { color: #999; }
tr.failed th, tr.failed .verdict, table.failed td, p.failed { color: #c0162b; }
tr.failed .verdict { font-weight: 700; }
.note { color: #666; font-style: italic; }
.legend-note { color: #666; font-size: 12px; margin: 6px 0 0; }
#failures code { display: block; margin-top: 4px; color: #1d1d1f; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 16px; align-items: start; margin-top: 16px; }
.chart { position: relative; height: 340px; background: #fff; border: 1px solid #e2e2e2; padding: 8px; }
.chart.wide { grid-column: 1 / -1; }
.chart.empty { height: auto; }
.chart.empty h3 { font-size: 14px; margin: 0 0 4px; }
#chart-errors { background: #fde8ea; color: #c0162b; border: 1px solid #c0162b; padding: 8px 12px; margin-bottom: 16px; }
`;

function figureHtml(f: Figure): string {
  if (f.kind === 'empty') return `<div class="chart empty"><h3>${escapeHtml(f.title)}</h3><p class="note">${escapeHtml(f.reason)}</p></div>`;
  return `<div class="chart${f.spec.wide ? ' wide' : ''}"><canvas id="${escapeHtml(f.spec.id)}" role="img" aria-label="${escapeHtml(f.spec.title)}"></canvas></div>`;
}

function figuresHtml(figures: readonly Figure[]): string {
  return figures.length === 0 ? '' : `<div class="charts">${figures.map(figureHtml).join('')}</div>`;
}

function title(c: Comparison): string {
  const only = c.designs.length === 1 ? c.designs[0]!.design : undefined;
  return only === undefined ? `vpmu-lab compare: ${c.scenario}` : `vpmu-lab run: ${c.scenario} (${only})`;
}

function metaLine(c: Comparison): string {
  const items = [
    `scenario ${c.scenario}`,
    `host ${c.host}`,
    `profile ${c.profile}`,
    `${formatNs(c.durationMs * 1e6)} per run${c.warmupMs > 0 ? ` (throughput after a ${formatNs(c.warmupMs * 1e6)} warm-up)` : ''}`,
    `${c.repeat} repetition${c.repeat === 1 ? '' : 's'}`,
    `seed${c.seeds.length === 1 ? '' : 's'} ${c.seeds.join(', ')}`,
    `generated ${c.generatedAt}`,
  ];
  return `<p class="meta">${items.map((i) => `<span>${escapeHtml(i)}</span>`).join('')}</p>`;
}

/**
 * The complete HTML document of a comparison (a single run is a comparison of one design).
 * Pure but for reading the installed chart library, once per process.
 */
export function renderComparisonHtml(c: Comparison): string {
  const figures = reportFigures(c);
  const specs = chartSpecs(figures);
  const base = c.designs[0]?.design;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title(c))}</title>
<style>${STYLE}</style>
</head>
<body data-charts-expected="${specs.length}">
<main>
<div id="chart-errors" hidden></div>
<h1>${escapeHtml(title(c))}</h1>
${metaLine(c)}
<h2>Designs</h2>
${comparisonTable(c)}
<p class="legend-note">Each figure: the median over the repetitions, below it min – max${base === undefined ? '' : ` and × the median of the first design (${escapeHtml(base)})`}.</p>
<h2>Failures</h2>
${failuresTable(c)}
<h2>Throughput over time</h2>
${figuresHtml(figures.series)}
<h2>Lock waits</h2>
${lockStatTable(c)}
<p class="legend-note">Lock times are real ns on workers; holds are timed one in eight. The rcu row counts read-side sections as acquisitions and grace periods as contentions, their latency as waits.</p>
${figuresHtml(figures.lockWaits)}
<h2>Grace periods</h2>
${figuresHtml([figures.gracePeriods])}
</main>
<!-- The whole comparison, for reading the figures back; the charts below are drawn from #charts. -->
<script type="application/json" id="comparison">${jsonForScript(c)}</script>
<script type="application/json" id="charts">${jsonForScript(specs)}</script>
<script>${escapeScriptText(ERROR_SCRIPT)}</script>
<script>${escapeScriptText(chartLibrarySource())}</script>
<script>${escapeScriptText(CHART_SCRIPT)}</script>
</body>
</html>
`;
}

/** Writes the report to `file`; a failure names the file. */
export function writeComparisonHtml(file: string, c: Comparison): void {
  const html = renderComparisonHtml(c);
  try {
    writeFileSync(file, html);
  } catch (cause) {
    throw new Error(`cannot write the HTML report to ${file}: ${(cause as Error).message}`, { cause });
  }
}
