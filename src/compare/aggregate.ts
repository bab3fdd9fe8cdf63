/**
 * From the run reports of one comparison to its figures (report/comparison.ts): per design,
 * each figure's median with min–max over the repetitions, and its ratio to the first
 * design's median. Pure: the reports are data, so the table, the JSON and the page all
 * come from the same numbers.
 */
import { histogramPercentile, type LockStatRow } from '../check/lock-stat.js';
import { verdictOf } from '../check/verdict.js';
import type { RunReport } from '../engine/report.js';
import type { Scenario } from '../engine/scenario.js';
import type { Design } from '../kvm/designs.js';
import type { Comparison, DesignFigures, Histogram, LockClassFigures, Spread } from '../report/comparison.js';
import { median, spreadOf } from '../report/spread.js';


function withRatio(s: Spread, base: Spread | undefined): Spread {
  return base && base.median !== 0 ? { ...s, ratio: s.median / base.median } : s;
}

function sumHistograms(hs: readonly (readonly number[])[]): Histogram {
  const counts: number[] = [];
  for (const h of hs) h.forEach((n, i) => (counts[i] = (counts[i] ?? 0) + n));
  return { counts: Array.from(counts, (n) => n ?? 0) };
}

const perSec = (n: number, r: RunReport) => (r.elapsedMs > 0 ? (n * 1000) / r.elapsedMs : 0);

/** The RCU row: read-side sections as acquisitions, grace periods as contentions, their latency as waits (check/lock-stat.ts). */
const rcuRow = (r: RunReport): LockStatRow | undefined => r.lockStat.find((c) => c.class === 'rcu');

/** A class absent from a repetition counts as zero there (it was never taken). */
function lockClass(cls: string, reports: readonly RunReport[]): LockClassFigures {
  const rows = reports.map((r) => r.lockStat.find((c) => c.class === cls));
  const of = (f: (row: LockStatRow) => number) => spreadOf(rows.map((row) => (row ? f(row) : 0)));
  return {
    class: cls,
    acquisitions: of((x) => x.acquisitions),
    contentions: of((x) => x.contentions),
    waitP50Ns: of((x) => histogramPercentile(x.waitHistogram, 0.5, x.waitMax)),
    waitP99Ns: of((x) => histogramPercentile(x.waitHistogram, 0.99, x.waitMax)),
    waitMaxNs: of((x) => x.waitMax),
    holdP50Ns: of((x) => histogramPercentile(x.holdHistogram, 0.5, x.holdMax)),
    holdP99Ns: of((x) => histogramPercentile(x.holdHistogram, 0.99, x.holdMax)),
    holdMaxNs: of((x) => x.holdMax),
    waitHistogram: sumHistograms(rows.flatMap((row) => (row ? [row.waitHistogram] : []))),
  };
}

/** One design's figures over its repetitions (in seed order). */
export function designFigures(d: Design, reports: readonly RunReport[]): DesignFigures {
  if (reports.length === 0) throw new Error(`design ${d.name}: no repetition finished`);
  const classes = [...new Set(reports.flatMap((r) => r.lockStat.map((c) => c.class)))];
  const rates = reports.map((r) => r.rates.loads);
  // The time series shown is the median repetition's (by loads/s), not an average of runs.
  const mid = median(rates);
  const shown = reports.reduce((best, r) => (Math.abs(r.rates.loads - mid) < Math.abs(best.rates.loads - mid) ? r : best));
  const failures = reports.flatMap((r) => {
    const v = verdictOf(r);
    return v.verdict === 'FAILURE' ? [{ seed: r.seed, oracle: v.oracle ?? 'engine-failure', message: v.reason ?? r.failure?.message ?? '' }] : [];
  });
  const gp = reports.map((r) => rcuRow(r));
  const gpPercentile = (q: number) => gp.map((row) => (row ? histogramPercentile(row.waitHistogram, q, row.waitMax) : 0));
  return {
    design: d.name,
    summary: d.summary,
    loadsPerSec: spreadOf(rates),
    migrationsPerSec: spreadOf(reports.map((r) => r.rates.migrations)),
    guestAccessesPerSec: spreadOf(reports.map((r) => r.rates.guestAccesses)),
    ioctlsPerSec: spreadOf(reports.map((r) => r.rates.ioctls)),
    gracePeriodsPerSec: spreadOf(reports.map((r) => perSec(rcuRow(r)?.contentions ?? 0, r))),
    gracePeriodP50Ns: spreadOf(gpPercentile(0.5)),
    gracePeriodP99Ns: spreadOf(gpPercentile(0.99)),
    gracePeriodHistogram: sumHistograms(gp.map((row) => row?.waitHistogram ?? [])),
    lockStat: classes.map((cls) => lockClass(cls, reports)),
    failedRepetitions: failures.length,
    failures,
    series: shown.series,
  };
}

const RATIO_FIELDS = ['loadsPerSec', 'migrationsPerSec', 'guestAccessesPerSec', 'ioctlsPerSec', 'gracePeriodsPerSec', 'gracePeriodP50Ns', 'gracePeriodP99Ns'] as const;
const CLASS_RATIO_FIELDS = ['acquisitions', 'contentions', 'waitP50Ns', 'waitP99Ns', 'waitMaxNs', 'holdP50Ns', 'holdP99Ns', 'holdMaxNs'] as const;

/** Every design's figures as ratios to the first design's medians. */
export function withRatios(rows: readonly DesignFigures[]): DesignFigures[] {
  const base = rows[0];
  if (!base) return [];
  return rows.map((row, k) => {
    if (k === 0) return row;
    const out: Record<string, unknown> = { ...row };
    for (const f of RATIO_FIELDS) out[f] = withRatio(row[f], base[f]);
    out.lockStat = row.lockStat.map((c) => {
      const b = base.lockStat.find((x) => x.class === c.class);
      const cls: Record<string, unknown> = { ...c };
      for (const f of CLASS_RATIO_FIELDS) cls[f] = withRatio(c[f], b?.[f]);
      return cls as unknown as LockClassFigures;
    });
    return out as unknown as DesignFigures;
  });
}

export interface ComparisonInput {
  readonly scenario: string;
  readonly host: string;
  readonly profile: string;
  readonly durationMs: number;
  readonly seeds: readonly number[];
  readonly runOptions?: readonly string[];
  /** Per design (in the order given), its repetitions' reports in seed order. */
  readonly runs: readonly { readonly design: Design; readonly reports: readonly RunReport[] }[];
}

export function buildComparison(input: ComparisonInput, generatedAt = new Date()): Comparison {
  return {
    scenario: input.scenario,
    host: input.host,
    profile: input.profile,
    durationMs: input.durationMs,
    repeat: input.seeds.length,
    seeds: input.seeds,
    ...(input.runOptions ? { runOptions: input.runOptions } : {}),
    designs: withRatios(input.runs.map((r) => designFigures(r.design, r.reports))),
    generatedAt: generatedAt.toISOString(),
  };
}

/** One run as a comparison of one design — the scenario as configured (`run --html`). */
export function runAsComparison(report: RunReport, s: Scenario): Comparison {
  const asConfigured: Design = { name: report.design, axis: 'arm_pmus', summary: `the scenario as configured: profile ${report.profile}, arm_pmus ${report.design}`, switches: {} };
  return buildComparison({ scenario: report.scenario, host: report.host, profile: report.profile, durationMs: s.durationMs, seeds: [report.seed], runs: [{ design: asConfigured, reports: [report] }] });
}
