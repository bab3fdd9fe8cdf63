/**
 * `vpmu-lab compare`'s text table: one column per design, one row per figure — the median,
 * its min–max over the repetitions, and ×ratio to the first design's median; "-" where a
 * design has no data for a figure (no grace periods, no timed holds) — then each design's
 * notes and the failures with the commands that rerun them.
 */
import { formatTable } from '../cli/table.js';
import type { Comparison, DesignFigures, LockClassFigures, Spread } from '../report/comparison.js';
import { rerunCommand } from '../report/rerun-command.js';
import { formatCount, formatNs, formatRatio } from '../report/units.js';

/** "median (min–max) ×ratio"; a single repetition shows no spread. */
export function formatSpread(s: Spread, unit: (x: number) => string): string {
  const range = s.min === s.max ? '' : ` (${unit(s.min)}–${unit(s.max)})`;
  return `${unit(s.median)}${range}${s.ratio === undefined ? '' : ` ${formatRatio(s.ratio)}`}`;
}

/** Latencies from fewer samples than this say how many (a p99 of 3 samples is their max). */
const FEW_SAMPLES = 10;
const samples = (n: number) => (n < FEW_SAMPLES ? ` [n=${n}]` : '');

type Cell = (d: DesignFigures) => string;
type Row = readonly [label: string, cell: Cell];

/** A figure that means nothing when `present` says so ("-"). */
const unless = (present: (d: DesignFigures) => boolean, cell: Cell): Cell => (d) => (present(d) ? cell(d) : '-');
const any = (s: Spread) => s.max > 0;

function classRows(cls: string): Row[] {
  const c = (d: DesignFigures): LockClassFigures | undefined => d.lockStat.find((x) => x.class === cls);
  const cell = (f: (x: LockClassFigures) => Spread, unit: (x: number) => string, present: (x: LockClassFigures) => boolean = () => true, n?: (x: LockClassFigures) => number) => (d: DesignFigures) => {
    const x = c(d);
    return x && present(x) ? formatSpread(f(x), unit) + (n ? samples(n(x)) : '') : '-';
  };
  const waits = (x: LockClassFigures) => x.contentions.median;
  const holds = (x: LockClassFigures) => x.holdSamples.median;
  const waited = (x: LockClassFigures) => any(x.contentions);
  const held = (x: LockClassFigures) => any(x.holdSamples);
  // The rcu row's contentions and waits are the grace periods above; its read sections are not timed.
  if (cls === 'rcu') return [['rcu read-side sections', cell((x) => x.acquisitions, formatCount)]];
  return [
    [`${cls} acquisitions`, cell((x) => x.acquisitions, formatCount)],
    [`${cls} contentions`, cell((x) => x.contentions, formatCount)],
    [`${cls} wait p50`, cell((x) => x.waitP50Ns, formatNs, waited, waits)],
    [`${cls} wait p99`, cell((x) => x.waitP99Ns, formatNs, waited, waits)],
    [`${cls} wait max`, cell((x) => x.waitMaxNs, formatNs, waited)],
    [`${cls} hold p50`, cell((x) => x.holdP50Ns, formatNs, held, holds)],
    [`${cls} hold p99`, cell((x) => x.holdP99Ns, formatNs, held, holds)],
    [`${cls} hold max`, cell((x) => x.holdMaxNs, formatNs, held)],
    [`${cls} holds timed`, cell((x) => x.holdSamples, formatCount)],
  ];
}

export function formatComparison(c: Comparison): string {
  const classes = [...new Set(c.designs.flatMap((d) => d.lockStat.map((x) => x.class)))];
  const gp = (d: DesignFigures) => any(d.gracePeriodsPerSec);
  const rows: Row[] = [
    ['loads/s', (d) => formatSpread(d.loadsPerSec, formatCount)],
    ['migrations/s', (d) => formatSpread(d.migrationsPerSec, formatCount)],
    ['guest accesses/s', (d) => formatSpread(d.guestAccessesPerSec, formatCount)],
    ['ioctls/s', (d) => formatSpread(d.ioctlsPerSec, formatCount)],
    ...(c.designs.some((d) => any(d.contextSwapsPerSec)) ? [['context swaps/s (whole run)', (d: DesignFigures) => formatSpread(d.contextSwapsPerSec, formatCount)] as const] : []),
    ['grace periods/s', unless(gp, (d) => formatSpread(d.gracePeriodsPerSec, formatCount))],
    ['grace period p50', unless(gp, (d) => formatSpread(d.gracePeriodP50Ns, formatNs))],
    ['grace period p99', unless(gp, (d) => formatSpread(d.gracePeriodP99Ns, formatNs))],
    ...classes.flatMap(classRows),
    ['repetitions measured', (d) => `${d.measuredRepetitions}/${c.repeat}`],
    ['oracle failures', (d) => `${d.failedRepetitions}/${c.repeat}`],
  ];
  const seeds = c.seeds.length > 1 ? `seeds ${c.seeds.join(', ')}` : `seed ${c.seeds[0]}`;
  const lines = [
    `compare ${c.scenario} on ${c.host} (profile ${c.profile}): ${c.repeat} run${c.repeat === 1 ? '' : 's'} of ${c.durationMs} ms per design, ${seeds}`,
    `median (min–max) ×ratio to ${c.designs[0]?.design ?? '-'}; throughput after a ${c.warmupMs} ms warm-up, locks and grace periods over the whole run`,
    '',
    formatTable(['figure', ...c.designs.map((d) => d.design)], rows.map(([label, cell]) => [label, ...c.designs.map(cell)])),
    '',
    ...c.designs.map((d) => `${d.design}: ${d.summary}${d.notes.map((n) => `\n  note: ${n}`).join('')}`),
  ];
  const failures = c.designs.flatMap((d) =>
    d.failures.map((f) => `  ${d.design}, seed ${f.seed}: FAILURE ${f.oracle}${f.message ? ` — ${f.message}` : ''}\n    run it again: ${rerunCommand(c, d.design, f.seed)} (add --record FILE to replay it exactly)`),
  );
  if (failures.length > 0) lines.push('', 'failures:', ...failures);
  lines.push('', 'lock times: real ns on workers, p50/p99 from log2 histograms (the geometric middle of the bucket), over the repetitions that waited or timed a hold; holds are timed one acquisition in eight; [n=K]: the median repetition had only K samples');
  return lines.join('\n');
}
