/**
 * From the run reports of one comparison to its figures (report/comparison.ts): per design,
 * each figure's median with min–max over the repetitions, and its ratio to the first
 * design's median. Pure: the reports are data, so the table, the JSON and the page all
 * come from the same numbers.
 *
 * What a figure is over, so that designs are compared on like terms:
 * - the repetitions that passed — a failed run ends at its failure, and its few
 *   milliseconds would read as a design hundreds of times slower (all of them only when
 *   every repetition failed, with a note);
 * - throughput after the warm-up: the run's series intervals that begin at or after
 *   `warmupMs` (a run that ended within the warm-up gives its whole-run rates, with a note);
 * - lock_stat and grace periods over the whole run (threads count them privately, so
 *   there is no reading at the warm-up's end), per second of the whole run.
 */
import { histogramPercentile, type LockStatRow } from '../check/lock-stat.js';
import { verdictOf } from '../check/verdict.js';
import type { RunReport } from '../engine/report.js';
import type { Scenario } from '../engine/scenario.js';
import type { Design } from '../kvm/designs.js';
import type { Comparison, DesignFigures, Histogram, LockClassFigures, Spread, TimeSeries } from '../report/comparison.js';
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

type Rates = RunReport['rates'];
const SERIES_OF: Readonly<Record<keyof Rates, keyof Omit<TimeSeries, 'intervalMs'>>> = {
  loads: 'loadsPerSec',
  migrations: 'migrationsPerSec',
  guestAccesses: 'guestAccessesPerSec',
  ioctls: 'ioctlsPerSec',
};

/** The run's rates over its intervals that begin at or after `warmupMs`; undefined if there are none. */
export function ratesAfterWarmup(r: RunReport, warmupMs: number): Rates | undefined {
  const s = r.series;
  const first = s.intervalMs > 0 ? Math.ceil(warmupMs / s.intervalMs) : Infinity;
  const n = s.loadsPerSec.length - first;
  if (!(n > 0)) return undefined;
  const mean = (k: keyof Rates) => s[SERIES_OF[k]].slice(first).reduce((a, b) => a + b, 0) / n;
  return { loads: mean('loads'), migrations: mean('migrations'), guestAccesses: mean('guestAccesses'), ioctls: mean('ioctls') };
}

/** The RCU row: read-side sections as acquisitions, grace periods as contentions, their latency as waits (check/lock-stat.ts). */
const rcuRow = (r: RunReport): LockStatRow | undefined => r.lockStat.find((c) => c.class === 'rcu');

/**
 * A class absent from a repetition counts as zero there (it was never taken). Wait and hold
 * latencies are over the repetitions that have samples of them only — a repetition that
 * never waited has no wait time, not a wait of 0 ns (all zero when none has: "-").
 */
function lockClass(cls: string, reports: readonly RunReport[]): LockClassFigures {
  const rows = reports.map((r) => r.lockStat.find((c) => c.class === cls));
  const of = (f: (row: LockStatRow) => number) => spreadOf(rows.map((row) => (row ? f(row) : 0)));
  const sampled = (has: (row: LockStatRow) => boolean, f: (row: LockStatRow) => number) => {
    const xs = rows.filter((row): row is LockStatRow => row !== undefined && has(row)).map(f);
    return xs.length > 0 ? spreadOf(xs) : spreadOf([0]);
  };
  const waited = (x: LockStatRow) => x.contentions > 0;
  const timed = (x: LockStatRow) => x.holdSamples > 0;
  return {
    class: cls,
    acquisitions: of((x) => x.acquisitions),
    contentions: of((x) => x.contentions),
    waitP50Ns: sampled(waited, (x) => histogramPercentile(x.waitHistogram, 0.5, x.waitMax)),
    waitP99Ns: sampled(waited, (x) => histogramPercentile(x.waitHistogram, 0.99, x.waitMax)),
    waitMaxNs: sampled(waited, (x) => x.waitMax),
    holdP50Ns: sampled(timed, (x) => histogramPercentile(x.holdHistogram, 0.5, x.holdMax)),
    holdP99Ns: sampled(timed, (x) => histogramPercentile(x.holdHistogram, 0.99, x.holdMax)),
    holdMaxNs: sampled(timed, (x) => x.holdMax),
    holdSamples: of((x) => x.holdSamples),
    waitHistogram: sumHistograms(rows.flatMap((row) => (row ? [row.waitHistogram] : []))),
  };
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One design's figures over its repetitions (in seed order); `warmupMs` as in the module comment. */
export function designFigures(d: Design, reports: readonly RunReport[], warmupMs: number): DesignFigures {
  if (reports.length === 0) throw new Error(`design ${d.name}: no repetition finished`);
  const failures = reports.flatMap((r) => {
    const v = verdictOf(r);
    return v.verdict === 'FAILURE' ? [{ seed: r.seed, oracle: v.oracle ?? 'engine-failure', message: v.reason ?? r.failure?.message ?? '' }] : [];
  });
  const failed = new Set(failures.map((f) => f.seed));
  const passed = reports.filter((r) => !failed.has(r.seed));
  const measured = passed.length > 0 ? passed : reports;
  const notes: string[] = [];
  if (passed.length === 0) notes.push(`every repetition failed: its figures are of runs that ended at their failure`);
  else if (failures.length > 0) notes.push(`${plural(failures.length, 'failed repetition')} left out of the figures`);
  const afterWarmup = measured.map((r) => ratesAfterWarmup(r, warmupMs));
  const rates = afterWarmup.map((x, k) => x ?? measured[k]!.rates);
  const whole = afterWarmup.filter((x) => x === undefined).length;
  if (whole > 0 && warmupMs > 0) notes.push(`${plural(whole, 'repetition')} ended within the ${warmupMs} ms warm-up: whole-run throughput`);
  const partial = measured.filter((r) => r.lockStatMissing.length > 0);
  if (partial.length > 0) notes.push(`lock_stat of ${plural(partial.length, 'repetition')} lacks terminated threads (${[...new Set(partial.flatMap((r) => r.lockStatMissing))].join(', ')})`);
  const classes = [...new Set(measured.flatMap((r) => r.lockStat.map((c) => c.class)))];
  // The time series shown is the median repetition's (by loads/s), not an average of runs.
  const mid = median(rates.map((x) => x.loads));
  const shown = measured[rates.reduce((best, x, k) => (Math.abs(x.loads - mid) < Math.abs(rates[best]!.loads - mid) ? k : best), 0)]!;
  const gp = measured.map(rcuRow);
  // Latency over the repetitions that waited for a grace period (none: zero, shown "-").
  const gpPercentile = (q: number) => {
    const xs = gp.filter((row): row is LockStatRow => row !== undefined && row.contentions > 0).map((row) => histogramPercentile(row.waitHistogram, q, row.waitMax));
    return xs.length > 0 ? xs : [0];
  };
  const swaps = (r: RunReport) => r.vcpus.reduce((n, v) => n + v.host.swaps.loads, 0);
  return {
    design: d.name,
    summary: d.summary,
    loadsPerSec: spreadOf(rates.map((x) => x.loads)),
    migrationsPerSec: spreadOf(rates.map((x) => x.migrations)),
    guestAccessesPerSec: spreadOf(rates.map((x) => x.guestAccesses)),
    ioctlsPerSec: spreadOf(rates.map((x) => x.ioctls)),
    contextSwapsPerSec: spreadOf(measured.map((r) => perSec(swaps(r), r))),
    gracePeriodsPerSec: spreadOf(measured.map((r) => perSec(rcuRow(r)?.contentions ?? 0, r))),
    gracePeriodP50Ns: spreadOf(gpPercentile(0.5)),
    gracePeriodP99Ns: spreadOf(gpPercentile(0.99)),
    gracePeriodHistogram: sumHistograms(gp.map((row) => row?.waitHistogram ?? [])),
    lockStat: classes.map((cls) => lockClass(cls, measured)),
    measuredRepetitions: measured.length,
    notes,
    failedRepetitions: failures.length,
    failures,
    series: shown.series,
  };
}

const RATIO_FIELDS = ['loadsPerSec', 'migrationsPerSec', 'guestAccessesPerSec', 'ioctlsPerSec', 'contextSwapsPerSec', 'gracePeriodsPerSec', 'gracePeriodP50Ns', 'gracePeriodP99Ns'] as const;
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

/** What a comparison is made from: its description, and per design (in the order given) its repetitions' reports in seed order. */
export interface ComparisonInput extends Omit<Comparison, 'repeat' | 'designs' | 'generatedAt'> {
  readonly runs: readonly { readonly design: Design; readonly reports: readonly RunReport[] }[];
}

export function buildComparison(input: ComparisonInput, generatedAt = new Date()): Comparison {
  const { runs, ...described } = input;
  return {
    ...described,
    repeat: input.seeds.length,
    designs: withRatios(runs.map((r) => designFigures(r.design, r.reports, input.warmupMs))),
    generatedAt: generatedAt.toISOString(),
  };
}

/** One run as a comparison of one design (`run --html`): `design`, the one given with --design, else the scenario as configured. */
export function runAsComparison(report: RunReport, s: Scenario, design?: Design): Comparison {
  const asConfigured: Design = design ?? { name: report.design, axis: 'arm_pmus', summary: `the scenario as configured: profile ${report.profile}, arm_pmus ${report.design}`, switches: {} };
  return buildComparison({ scenario: report.scenario, host: report.host, profile: report.profile, durationMs: s.durationMs, warmupMs: 0, seeds: [report.seed], runs: [{ design: asConfigured, reports: [report] }] });
}
