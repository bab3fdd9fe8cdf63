import type { Comparison, DesignFigures, LockClassFigures, Spread } from './comparison.js';
import { escapeHtml } from './html-escape.js';
import { rerunCommand } from './rerun-command.js';
import { formatCount, formatNs, formatRatio } from './units.js';

/** The HTML report's tables: the comparison (one row per design), lock_stat and the failures. */

interface Column<T> {
  readonly head: string;
  readonly pick: (row: T) => Spread;
  readonly format: (n: number) => string;
  /** The figure does not exist for this row (a latency of no grace periods), shown as "—". */
  readonly absent?: (row: T) => boolean;
}

const noGracePeriods = (d: DesignFigures) => !d.gracePeriodHistogram.counts.some((n) => n > 0);

const DESIGN_COLUMNS: readonly Column<DesignFigures>[] = [
  { head: 'loads/s', pick: (d) => d.loadsPerSec, format: formatCount },
  { head: 'migrations/s', pick: (d) => d.migrationsPerSec, format: formatCount },
  { head: 'guest accesses/s', pick: (d) => d.guestAccessesPerSec, format: formatCount },
  { head: 'ioctls/s', pick: (d) => d.ioctlsPerSec, format: formatCount },
  { head: 'grace periods/s', pick: (d) => d.gracePeriodsPerSec, format: formatCount, absent: noGracePeriods },
  { head: 'grace period p50', pick: (d) => d.gracePeriodP50Ns, format: formatNs, absent: noGracePeriods },
  { head: 'grace period p99', pick: (d) => d.gracePeriodP99Ns, format: formatNs, absent: noGracePeriods },
];

/** No contended acquisition (so no wait), no timed hold: the figure is no data, not 0 ns. */
const neverWaited = (l: LockClassFigures) => l.contentions.max === 0;
const neverTimed = (l: LockClassFigures) => l.holdSamples.max === 0;

const LOCK_COLUMNS: readonly Column<LockClassFigures>[] = [
  { head: 'acquisitions', pick: (l) => l.acquisitions, format: formatCount },
  { head: 'contentions', pick: (l) => l.contentions, format: formatCount },
  { head: 'wait p50', pick: (l) => l.waitP50Ns, format: formatNs, absent: neverWaited },
  { head: 'wait p99', pick: (l) => l.waitP99Ns, format: formatNs, absent: neverWaited },
  { head: 'wait max', pick: (l) => l.waitMaxNs, format: formatNs, absent: neverWaited },
  { head: 'hold p50', pick: (l) => l.holdP50Ns, format: formatNs, absent: neverTimed },
  { head: 'hold p99', pick: (l) => l.holdP99Ns, format: formatNs, absent: neverTimed },
  { head: 'hold max', pick: (l) => l.holdMaxNs, format: formatNs, absent: neverTimed },
];

/** The median, its min–max over the repetitions, and its ratio to the first design's. */
function spreadCell(s: Spread, format: (n: number) => string): string {
  const range = s.min === s.max ? '' : `<span class="spread">${format(s.min)} – ${format(s.max)}</span>`;
  const ratio = s.ratio === undefined ? '' : `<span class="ratio">${formatRatio(s.ratio)}</span>`;
  return `<td class="num"><span class="median">${format(s.median)}</span>${range}${ratio}</td>`;
}

function cells<T>(row: T, columns: readonly Column<T>[]): string {
  return columns.map((c) => (c.absent?.(row) ? '<td class="num none">—</td>' : spreadCell(c.pick(row), c.format))).join('');
}

function heads<T>(columns: readonly Column<T>[]): string {
  return columns.map((c) => `<th>${escapeHtml(c.head)}</th>`).join('');
}

export function comparisonTable(c: Comparison): string {
  const rows = c.designs.map((d) => {
    const failed = d.failedRepetitions > 0;
    return (
      `<tr${failed ? ' class="failed"' : ''}>` +
      `<th scope="row"><span class="design">${escapeHtml(d.design)}</span><span class="summary">${escapeHtml(d.summary)}</span>${d.notes.map((n) => `<span class="summary note">note: ${escapeHtml(n)}</span>`).join('')}</th>` +
      `<td class="num verdict">${d.failedRepetitions} / ${c.repeat}</td>` +
      cells(d, DESIGN_COLUMNS) +
      '</tr>'
    );
  });
  return (
    '<table id="comparison"><thead><tr><th>design</th><th>failed</th>' +
    heads(DESIGN_COLUMNS) +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** lock_stat grouped by class, a row per design that has the class. */
export function lockStatTable(c: Comparison): string {
  const classes = [...new Set(c.designs.flatMap((d) => d.lockStat.map((l) => l.class)))];
  if (classes.length === 0) return '<p class="note">No lock classes recorded.</p>';
  const groups = classes.map((cls) => {
    const rows = c.designs.flatMap((d) => d.lockStat.filter((l) => l.class === cls).map((l) => ({ design: d.design, l })));
    const trs = rows.map(
      (r, k) =>
        '<tr>' +
        (k === 0 ? `<th scope="rowgroup" rowspan="${rows.length}">${escapeHtml(cls)}</th>` : '') +
        `<td>${escapeHtml(r.design)}</td>${cells(r.l, LOCK_COLUMNS)}</tr>`,
    );
    return `<tbody>${trs.join('')}</tbody>`;
  });
  return `<table id="lock-stat"><thead><tr><th>class</th><th>design</th>${heads(LOCK_COLUMNS)}</tr></thead>${groups.join('')}</table>`;
}

/** Every failed repetition: its design, seed, oracle, message and the command that runs it again. */
export function failuresTable(c: Comparison): string {
  const rows = c.designs.flatMap((d) =>
    d.failures.map(
      (f) =>
        `<tr><td>${escapeHtml(d.design)}</td><td class="num">${f.seed}</td><td>${escapeHtml(f.oracle)}</td>` +
        `<td>${escapeHtml(f.message)}<code>${escapeHtml(rerunCommand(c, d.design, f.seed))}</code></td></tr>`,
    ),
  );
  if (rows.length === 0) {
    const failed = c.designs.reduce((n, d) => n + d.failedRepetitions, 0);
    return failed === 0 ? '<p class="note">No repetition failed.</p>' : `<p class="note failed">${failed} repetitions failed; no details were recorded.</p>`;
  }
  return `<table id="failures" class="failed"><thead><tr><th>design</th><th>seed</th><th>oracle</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
