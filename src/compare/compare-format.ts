/**
 * `vpmu-lab compare`'s text table: one column per design, one row per figure — the median,
 * its min–max over the repetitions, and ×ratio to the first design's median — then the
 * failures with their seeds.
 */
import { formatTable } from '../cli/table.js';
import type { Comparison, DesignFigures, LockClassFigures, Spread } from '../report/comparison.js';
import { rerunCommand } from '../report/rerun-command.js';
import { formatCount, formatNs } from '../report/units.js';

/** "median (min–max) ×ratio"; a single repetition shows no spread. */
export function formatSpread(s: Spread, unit: (x: number) => string): string {
  const range = s.min === s.max ? '' : ` (${unit(s.min)}–${unit(s.max)})`;
  return `${unit(s.median)}${range}${s.ratio === undefined ? '' : ` ×${s.ratio.toFixed(2)}`}`;
}

type Row = readonly [label: string, cell: (d: DesignFigures) => string];

function classRows(cls: string): Row[] {
  const c = (d: DesignFigures): LockClassFigures | undefined => d.lockStat.find((x) => x.class === cls);
  const cell = (f: (x: LockClassFigures) => Spread, unit: (x: number) => string) => (d: DesignFigures) => {
    const x = c(d);
    return x ? formatSpread(f(x), unit) : '-';
  };
  return [
    [`${cls} acquisitions`, cell((x) => x.acquisitions, formatCount)],
    [`${cls} contentions`, cell((x) => x.contentions, formatCount)],
    [`${cls} wait p50`, cell((x) => x.waitP50Ns, formatNs)],
    [`${cls} wait p99`, cell((x) => x.waitP99Ns, formatNs)],
    [`${cls} wait max`, cell((x) => x.waitMaxNs, formatNs)],
    [`${cls} hold p50`, cell((x) => x.holdP50Ns, formatNs)],
    [`${cls} hold p99`, cell((x) => x.holdP99Ns, formatNs)],
    [`${cls} hold max`, cell((x) => x.holdMaxNs, formatNs)],
  ];
}

export function formatComparison(c: Comparison): string {
  const classes = [...new Set(c.designs.flatMap((d) => d.lockStat.map((x) => x.class)))];
  const rows: Row[] = [
    ['loads/s', (d) => formatSpread(d.loadsPerSec, formatCount)],
    ['migrations/s', (d) => formatSpread(d.migrationsPerSec, formatCount)],
    ['guest accesses/s', (d) => formatSpread(d.guestAccessesPerSec, formatCount)],
    ['ioctls/s', (d) => formatSpread(d.ioctlsPerSec, formatCount)],
    ['grace periods/s', (d) => formatSpread(d.gracePeriodsPerSec, formatCount)],
    ['grace period p50', (d) => formatSpread(d.gracePeriodP50Ns, formatNs)],
    ['grace period p99', (d) => formatSpread(d.gracePeriodP99Ns, formatNs)],
    ...classes.flatMap(classRows),
    ['oracle failures', (d) => `${d.failedRepetitions}/${c.repeat}`],
  ];
  const seeds = c.seeds.length > 1 ? `seeds ${c.seeds.join(', ')}` : `seed ${c.seeds[0]}`;
  const lines = [
    `compare ${c.scenario} on ${c.host} (profile ${c.profile}): ${c.repeat} × ${c.durationMs} ms per design, ${seeds}; median (min–max) ×ratio to ${c.designs[0]?.design ?? '-'}`,
    '',
    formatTable(['figure', ...c.designs.map((d) => d.design)], rows.map(([label, cell]) => [label, ...c.designs.map(cell)])),
    '',
    ...c.designs.map((d) => `${d.design}: ${d.summary}`),
  ];
  const failures = c.designs.flatMap((d) =>
    d.failures.map((f) => `  ${d.design}, seed ${f.seed}: FAILURE ${f.oracle}${f.message ? ` — ${f.message}` : ''}\n    run it again: ${rerunCommand(c, d.design, f.seed)}`),
  );
  if (failures.length > 0) lines.push('', 'failures:', ...failures);
  lines.push('', 'lock times are real ns on workers; holds are timed one in eight; rcu: read-side sections, grace periods (contentions) and their latency (waits)');
  return lines.join('\n');
}
