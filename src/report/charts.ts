import type { Comparison, DesignFigures, Histogram, LockClassFigures } from './comparison.js';
import { bucketLabel, bucketPosition, occupiedBuckets } from './log2-buckets.js';
import { formatNs } from './units.js';

/**
 * What the HTML report plots, as plain data: each chart is a ChartSpec that the page's script
 * (chart-script.ts) turns into a Chart.js configuration. Shaping the data here, in typed and
 * tested code, leaves the in-page script nothing to decide.
 */

export interface ChartDataset {
  readonly label: string;
  readonly color: string;
  /** Points of a linear x axis, or one value per category label (null: an empty bucket, which takes no room in its group). */
  readonly data: readonly { readonly x: number; readonly y: number }[] | readonly (number | null)[];
  /** The right-hand axis (y1) instead of y. */
  readonly right?: boolean;
  readonly dashed?: boolean;
}

/** A vertical line at a fractional category index, labelled at the top (a histogram's p50/p99). */
export interface ChartMarker {
  readonly at: number;
  readonly color: string;
  readonly label: string;
  readonly dash: readonly number[];
  /** The dataset it belongs to: hidden with it from the legend. */
  readonly dataset: number;
}

export interface ChartAxis {
  readonly title: string;
  /** A logarithmic axis (histogram counts: the rare slow waits are the point). */
  readonly log?: boolean;
  /** The same top for every design's chart of a kind, so their lines compare by eye. */
  readonly suggestedMax?: number;
  /** A fixed span (the run's whole duration on a time axis, however few the samples). */
  readonly min?: number;
  readonly max?: number;
}

export interface ChartSpec {
  /** The <canvas> element's id. */
  readonly id: string;
  readonly type: 'line' | 'bar';
  readonly title: string;
  /** Category labels make a category x axis; without them x is linear. */
  readonly x: ChartAxis & { readonly labels?: readonly string[] };
  readonly y: ChartAxis;
  readonly y1?: ChartAxis;
  readonly datasets: readonly ChartDataset[];
  readonly markers?: readonly ChartMarker[];
  /** Spans the whole row of charts (a histogram with many buckets). */
  readonly wide?: boolean;
}

/** A chart, or in its place the reason there is nothing to draw. */
export type Figure =
  | { readonly kind: 'chart'; readonly spec: ChartSpec }
  | { readonly kind: 'empty'; readonly title: string; readonly reason: string };

export interface ReportFigures {
  /** One time-series chart per design, in the comparison's order. */
  readonly series: readonly Figure[];
  /** One wait-time histogram per lock class any design recorded. */
  readonly lockWaits: readonly Figure[];
  readonly gracePeriods: Figure;
}

/** Observable 10's first colours: a design keeps its colour in every chart. */
const DESIGN_COLORS = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];
const METRIC_COLORS = { loads: '#4269d0', migrations: '#ff725c', accesses: '#3ca951' } as const;

function designColor(index: number): string {
  return DESIGN_COLORS[index % DESIGN_COLORS.length]!;
}

export function reportFigures(c: Comparison): ReportFigures {
  return {
    series: seriesFigures(c.designs, c.durationMs),
    lockWaits: lockClasses(c.designs).map((cls, i) => lockWaitFigure(c, cls, i)),
    gracePeriods: gracePeriodFigure(c),
  };
}

export function chartSpecs(f: ReportFigures): ChartSpec[] {
  return [...f.series, ...f.lockWaits, f.gracePeriods].flatMap((g) => (g.kind === 'chart' ? [g.spec] : []));
}

/** loads/s and migrations/s on the left axis, guest accesses/s (orders of magnitude more) on the right. */
function seriesFigures(designs: readonly DesignFigures[], durationMs: number): Figure[] {
  // reduce, not Math.max(...): a long run has more samples than a call takes arguments.
  const top = (pick: (d: DesignFigures) => readonly number[]) => designs.flatMap(pick).reduce((a, b) => Math.max(a, b), 0);
  const leftMax = top((d) => [...d.series.loadsPerSec, ...d.series.migrationsPerSec]);
  const rightMax = top((d) => d.series.guestAccessesPerSec);
  return designs.map((d, i): Figure => {
    const s = d.series;
    const title = `${d.design}: per second of the run (median repetition, every ${s.intervalMs} ms)`;
    if (s.loadsPerSec.length + s.migrationsPerSec.length + s.guestAccessesPerSec.length === 0) {
      return { kind: 'empty', title, reason: 'no samples recorded' };
    }
    // A point at the end of the interval it measures.
    const points = (ys: readonly number[]) => ys.map((y, k) => ({ x: ((k + 1) * s.intervalMs) / 1000, y }));
    const samples = Math.max(s.loadsPerSec.length, s.migrationsPerSec.length, s.guestAccessesPerSec.length);
    return {
      kind: 'chart',
      spec: {
        id: `series-${i}`,
        type: 'line',
        title,
        x: { title: 'time (s)', min: 0, max: Math.max(durationMs, samples * s.intervalMs) / 1000 },
        y: { title: 'loads/s, migrations/s', suggestedMax: leftMax },
        y1: { title: 'guest accesses/s', suggestedMax: rightMax },
        datasets: [
          { label: 'loads/s', color: METRIC_COLORS.loads, data: points(s.loadsPerSec) },
          { label: 'migrations/s', color: METRIC_COLORS.migrations, data: points(s.migrationsPerSec) },
          { label: 'guest accesses/s (right axis)', color: METRIC_COLORS.accesses, data: points(s.guestAccessesPerSec), right: true, dashed: true },
        ],
      },
    };
  });
}

/** Every lock class any design recorded, in the order they first appear. */
function lockClasses(designs: readonly DesignFigures[]): string[] {
  return [...new Set(designs.flatMap((d) => d.lockStat.map((l) => l.class)))];
}

/** A histogram per design over the buckets any of them occupies; undefined when all are empty. */
function histogramAxis(hists: readonly Histogram[]): { first: number; labels: string[]; values: (h: Histogram) => (number | null)[] } | undefined {
  const range = occupiedBuckets(hists);
  if (range === undefined) return undefined;
  const labels = Array.from({ length: range.last - range.first + 1 }, (_, k) => bucketLabel(range.first + k));
  return { first: range.first, labels, values: (h) => labels.map((_, k) => h.counts[range.first + k] || null) };
}

/** More buckets than this crowd a half-width chart's labels: the chart takes the whole row. */
const WIDE_BUCKETS = 14;

function lockWaitFigure(c: Comparison, cls: string, index: number): Figure {
  const title = `${cls}: wait times, summed over ${c.repeat} repetition${c.repeat === 1 ? '' : 's'}`;
  const rows = c.designs.flatMap((d, i) => {
    const row = d.lockStat.find((l) => l.class === cls);
    return row ? [{ design: d.design, color: designColor(i), row }] : [];
  });
  const axis = histogramAxis(rows.map((r) => r.row.waitHistogram));
  if (axis === undefined) return { kind: 'empty', title, reason: 'no waits recorded' };
  return {
    kind: 'chart',
    spec: {
      id: `lock-wait-${index}`,
      type: 'bar',
      title,
      x: { title: 'wait (log2 buckets; 1 µs = 1024 ns)', labels: axis.labels },
      y: { title: 'waits (log scale)', log: true },
      datasets: rows.map((r) => ({ label: waitLabel(r.design, r.row), color: r.color, data: axis.values(r.row.waitHistogram) })),
      wide: axis.labels.length > WIDE_BUCKETS,
    },
  };
}

function waitLabel(design: string, row: LockClassFigures): string {
  return row.waitHistogram.counts.some((n) => n > 0) ? design : `${design} (no waits)`;
}

function hasGracePeriods(d: DesignFigures): boolean {
  return d.gracePeriodHistogram.counts.some((n) => n > 0);
}

/** The histogram per design, with its p50 (dashed) and p99 (dotted) as lines in its colour. */
function gracePeriodFigure(c: Comparison): Figure {
  const title = `grace-period latency, summed over ${c.repeat} repetition${c.repeat === 1 ? '' : 's'}`;
  const axis = histogramAxis(c.designs.map((d) => d.gracePeriodHistogram));
  if (axis === undefined) return { kind: 'empty', title, reason: 'no grace periods in any design' };
  const markers = c.designs.flatMap((d, i): ChartMarker[] => {
    if (!hasGracePeriods(d)) return [];
    const color = designColor(i);
    return [
      { at: bucketPosition(d.gracePeriodP50Ns.median, axis.first), color, label: 'p50', dash: [6, 4], dataset: i },
      { at: bucketPosition(d.gracePeriodP99Ns.median, axis.first), color, label: 'p99', dash: [2, 3], dataset: i },
    ];
  });
  return {
    kind: 'chart',
    spec: {
      id: 'grace-periods',
      type: 'bar',
      title,
      x: { title: 'grace period (log2 buckets; 1 µs = 1024 ns)', labels: axis.labels },
      y: { title: 'grace periods (log scale)', log: true },
      datasets: c.designs.map((d, i) => ({
        label: hasGracePeriods(d) ? `${d.design}: p50 ${formatNs(d.gracePeriodP50Ns.median)}, p99 ${formatNs(d.gracePeriodP99Ns.median)}` : `${d.design} (no grace periods)`,
        color: designColor(i),
        data: axis.values(d.gracePeriodHistogram),
      })),
      markers,
      wide: true,
    },
  };
}
