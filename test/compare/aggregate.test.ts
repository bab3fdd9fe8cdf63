/**
 * From run reports to a comparison (src/compare/aggregate.ts) and its table
 * (compare-format.ts): medians with min–max over the repetitions that passed, throughput
 * after the warm-up, ratios to the first design, lock_stat percentiles from the histograms,
 * grace periods per second, failures with their seeds, and the median repetition's series.
 */
import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../src/compare/aggregate.js';
import { formatComparison } from '../../src/compare/compare-format.js';
import { formatRatio } from '../../src/report/units.js';
import type { LockStatRow } from '../../src/check/lock-stat.js';
import type { RunReport } from '../../src/engine/report.js';
import { designOf } from '../../src/kvm/designs.js';

function row(cls: LockStatRow['class'], acquisitions: number, contentions: number, waitBucket: number): LockStatRow {
  const waitHistogram = Array.from({ length: waitBucket + 1 }, (_, i) => (i === waitBucket ? contentions : 0));
  return { class: cls, acquisitions, contentions, waitTotal: contentions * 2 ** waitBucket, waitMax: 2 ** (waitBucket + 1), holdTotal: 0, holdMax: 0, holdSamples: 0, waitHistogram, holdHistogram: [] };
}

/** A run report with just what a comparison reads. */
function report(seed: number, loadsPerSec: number, opts: { gracePeriods?: number; gpBucket?: number; failure?: string } = {}): RunReport {
  const lockStat = [row('config_lock', 100 * seed, 10, 10)];
  if (opts.gracePeriods) lockStat.push(row('rcu', 1000, opts.gracePeriods, opts.gpBucket ?? 16));
  // The first second is the warm-up (a tenth of the rate); the whole-run rates average both.
  const ramp = (x: number) => [x / 10, x];
  return {
    seed,
    elapsedMs: 2000,
    rates: { loads: loadsPerSec * 0.55, migrations: loadsPerSec * 0.055, guestAccesses: loadsPerSec * 55, ioctls: 27.5 },
    lockStat,
    lockStatMissing: [],
    vcpus: [],
    series: { intervalMs: 1000, loadsPerSec: ramp(loadsPerSec), migrationsPerSec: ramp(loadsPerSec / 10), guestAccessesPerSec: ramp(loadsPerSec * 100), ioctlsPerSec: ramp(50) },
    ...(opts.failure ? { failure: { kind: 'worker-crash', oracle: opts.failure, message: `boom ${seed}` } } : {}),
  } as unknown as RunReport;
}

const input = {
  scenario: 'pmu-list-race',
  host: 'rk3588',
  profile: 'fixed-counters-only',
  durationMs: 2000,
  warmupMs: 1000,
  seeds: [1, 2, 3],
  runs: [
    { design: designOf('mutex'), reports: [report(1, 1000), report(2, 3000), report(3, 2000)] },
    { design: designOf('rcu'), reports: [report(1, 3000, { gracePeriods: 20 }), report(2, 5000, { gracePeriods: 40 }), report(3, 99, { gracePeriods: 60, failure: 'rcu-reclaimed-read' })] },
  ],
};

describe('compare: aggregation', () => {
  const c = buildComparison(input, new Date('2026-11-30T00:00:00Z'));
  const [mutex, rcu] = c.designs;

  it('each throughput figure is the median with min and max over the repetitions, of the rates after the warm-up', () => {
    expect(mutex!.loadsPerSec).toEqual({ median: 2000, min: 1000, max: 3000 });
    expect(mutex!.ioctlsPerSec).toEqual({ median: 50, min: 50, max: 50 });
    expect(rcu!.guestAccessesPerSec).toMatchObject({ median: 400_000, min: 300_000, max: 500_000 });
  });

  it('a run that ended within the warm-up gives its whole-run rates, with a note', () => {
    const long = buildComparison({ ...input, warmupMs: 5000 });
    const l = long.designs[0]!.loadsPerSec;
    expect([l.median, l.min, l.max].map((x) => Math.round(x))).toEqual([1100, 550, 1650]);
    expect(long.designs[0]!.notes).toEqual(['3 repetitions ended within the 5000 ms warm-up: whole-run throughput']);
  });

  it('a failed repetition is left out of the figures (it ended at its failure), with a note; all failed: all are measured', () => {
    expect(rcu!.measuredRepetitions).toBe(2);
    expect(rcu!.loadsPerSec).toMatchObject({ median: 4000, min: 3000, max: 5000 });
    expect(rcu!.notes).toEqual(['1 failed repetition left out of the figures']);
    const allFailed = buildComparison({ ...input, runs: [{ design: designOf('rcu'), reports: [report(1, 10, { failure: 'deadlock' }), report(2, 30, { failure: 'deadlock' })] }] });
    expect(allFailed.designs[0]!.measuredRepetitions).toBe(2);
    expect(allFailed.designs[0]!.loadsPerSec.median).toBe(20);
    expect(allFailed.designs[0]!.notes[0]).toMatch(/every repetition failed/);
  });

  it('ratios are to the first design: absent on the first, median over median on the others', () => {
    expect(mutex!.loadsPerSec.ratio).toBeUndefined();
    expect(rcu!.loadsPerSec.ratio).toBe(2);
    expect(rcu!.lockStat.find((x) => x.class === 'config_lock')!.acquisitions.ratio).toBe(150 / 200); // its passing seeds 1, 2
  });

  it('grace periods per second come from the rcu row, their latency from its wait histogram; none under the mutex', () => {
    expect(rcu!.gracePeriodsPerSec).toMatchObject({ median: 15, min: 10, max: 20 });
    expect(rcu!.gracePeriodP50Ns.median).toBeGreaterThanOrEqual(2 ** 16);
    expect(rcu!.gracePeriodP50Ns.median).toBeLessThan(2 ** 17);
    expect(rcu!.gracePeriodHistogram.counts[16]).toBe(60);
    expect(mutex!.gracePeriodsPerSec.median).toBe(0);
  });

  it('lock wait percentiles come from the histograms and the histograms are summed over the repetitions', () => {
    const cfg = mutex!.lockStat.find((x) => x.class === 'config_lock')!;
    expect(cfg.waitP99Ns.median).toBeGreaterThanOrEqual(2 ** 10);
    expect(cfg.waitP99Ns.median).toBeLessThan(2 ** 11);
    expect(cfg.waitHistogram.counts[10]).toBe(30);
    expect(cfg.acquisitions).toEqual({ median: 200, min: 100, max: 300 });
  });

  it('latencies are over the repetitions that have samples: one that never waited is no 0 ns wait', () => {
    const quiet = report(2, 3000);
    const idle = { ...quiet, lockStat: [row('config_lock', 100, 0, 0)] } as RunReport;
    const c2 = buildComparison({ ...input, runs: [{ design: designOf('mutex'), reports: [report(1, 1000), idle] }] });
    const cfg = c2.designs[0]!.lockStat.find((x) => x.class === 'config_lock')!;
    expect(cfg.contentions).toMatchObject({ median: 5, min: 0, max: 10 });
    expect(cfg.waitMaxNs).toMatchObject({ median: 2 ** 11, min: 2 ** 11, max: 2 ** 11 }); // the waiting repetition's only
    const t = formatComparison(c2);
    expect(t.split('\n').find((l) => l.startsWith('config_lock wait p99'))).toMatch(/^config_lock wait p99\s+\d+(\.\d+)? µs \[n=5\]$/);
  });

  it('ratios read at a glance: fixed notation, ×<0.01 for the tiny ones', () => {
    expect([1.05, 0.36, 1030.4, 0.004, 0].map(formatRatio)).toEqual(['×1.05', '×0.360', '×1030', '×<0.01', '×0']);
  });

  it('a failed repetition is listed with its seed and oracle', () => {
    expect(mutex!.failedRepetitions).toBe(0);
    expect(rcu!.failedRepetitions).toBe(1);
    expect(rcu!.failures).toEqual([{ seed: 3, oracle: 'rcu-reclaimed-read', message: 'boom 3' }]);
  });

  it("the time series shown is the median repetition's", () => {
    expect(mutex!.series.loadsPerSec).toEqual([200, 2000]);
    expect(rcu!.series.loadsPerSec).toEqual([300, 3000]); // of the two that passed, the first nearest the median
  });

  it('the table has a column per design, a row per figure, spreads and ratios, and the failures', () => {
    const t = formatComparison(c);
    const lines = t.split('\n');
    expect(lines.find((l) => l.startsWith('figure'))).toMatch(/^figure\s+mutex\s+rcu$/);
    expect(lines.find((l) => l.startsWith('loads/s'))).toMatch(/^loads\/s\s+2\.00 k \(1\.00 k–3\.00 k\)\s+4\.00 k \(3\.00 k–5\.00 k\) ×2\.00$/);
    expect(lines.find((l) => l.startsWith('oracle failures'))).toMatch(/0\/3\s+1\/3/);
    expect(lines.find((l) => l.startsWith('repetitions measured'))).toMatch(/3\/3\s+2\/3/);
    // No data is "-", not "0 ns": no grace periods under the mutex, no timed holds anywhere.
    expect(lines.find((l) => l.startsWith('grace period p50'))).toMatch(/^grace period p50\s+-\s+\d/);
    expect(lines.find((l) => l.startsWith('grace periods/s'))).toMatch(/^grace periods\/s\s+-\s+15 \(10–20\)$/);
    expect(lines.find((l) => l.startsWith('config_lock hold p50'))).toMatch(/^config_lock hold p50\s+-\s+-$/);
    expect(t).toMatch(/config_lock wait p99/);
    expect(t).toMatch(/rcu, seed 3: FAILURE rcu-reclaimed-read — boom 3/);
    expect(t).toMatch(/vpmu-lab run pmu-list-race --design rcu --seed 3 --duration 2000/);
    expect(t).toMatch(/note: 1 failed repetition left out of the figures/);
  });
});
