/**
 * What `vpmu-lab compare` reads from a run on workers: the series of rates per interval, and
 * lock_stat's histograms with the p50/p99 the report prints.
 */
import { describe, expect, it } from 'vitest';
import { histogramPercentile } from '../../src/check/lock-stat.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { formatReport } from '../../src/engine/report-format.js';
import { resolveScenario } from '../../src/engine/scenario.js';

describe('a run on workers, for compare', () => {
  it('has a series at 100 ms for 600 ms, and lock_stat histograms behind the printed percentiles', async () => {
    const r = await runScenario(resolveScenario({ ...builtinScenarios['config-race']!, durationMs: 600 }, 'config-race'));
    expect(r.failure).toBeUndefined();
    const s = r.series;
    expect(s.intervalMs).toBe(100);
    // Six intervals (a late stop poll may merge the last two, an early vCPU end cut it short).
    expect(s.loadsPerSec.length).toBeGreaterThanOrEqual(4);
    expect(s.loadsPerSec.length).toBeLessThanOrEqual(7);
    for (const k of ['migrationsPerSec', 'guestAccessesPerSec', 'ioctlsPerSec'] as const) expect(s[k].length).toBe(s.loadsPerSec.length);
    expect(s.loadsPerSec.every((x) => x >= 0)).toBe(true);
    // Loads went on through the run: the mean of the points is the run's rate, within a factor 2.
    const mean = s.loadsPerSec.reduce((a, b) => a + b, 0) / s.loadsPerSec.length;
    expect(mean).toBeGreaterThan(r.rates.loads / 2);
    expect(mean).toBeLessThan(r.rates.loads * 2);

    const mutex = r.lockStat.find((x) => x.class === 'vcpu->mutex')!;
    expect(mutex.holdHistogram.reduce((a, b) => a + b, 0)).toBe(mutex.holdSamples);
    const p50 = histogramPercentile(mutex.holdHistogram, 0.5, mutex.holdMax);
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(histogramPercentile(mutex.holdHistogram, 0.99, mutex.holdMax));
    expect(p50).toBeLessThanOrEqual(mutex.holdMax);
    const table = formatReport(r).split('\n');
    expect(table).toContainEqual(expect.stringMatching(/^class +acquisitions +contentions +wait total +wait p50 +wait p99 +wait max +hold avg +hold p50 +hold p99 +hold max$/));
    // The vcpu->mutex row: its hold p50 and p99 are times, not '-'.
    const row = table.find((l) => l.startsWith('vcpu->mutex '))!.split(/ {2,}/);
    expect(row).toHaveLength(11);
    for (const cell of row.slice(8, 10)) expect(cell).toMatch(/^\d+(\.\d+)? (ns|µs|ms)$/);
  });
});
