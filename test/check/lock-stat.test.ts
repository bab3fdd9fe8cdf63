/**
 * lock_stat's log2 histograms (check/lock-stat.ts): where a wait or a hold lands, what a
 * percentile of them reads, how threads' and executions' rows add up.
 */
import { describe, expect, it } from 'vitest';
import { classIndex, RCU_CLASS } from '../../src/check/lockdep.js';
import { addLockStatRows, histogramPercentile, HISTOGRAM_BUCKETS, LockStats, sumRows } from '../../src/check/lock-stat.js';

const CONFIG = classIndex('config_lock');

/** The wait histogram of one contended acquisition that waited `ns`. */
function waitBuckets(ns: number): number[] {
  const s = new LockStats();
  s.acquired(CONFIG, ns);
  return s.rows()[0]!.waitHistogram;
}

describe('lock_stat histograms', () => {
  it('bucket i holds [2^i, 2^(i+1)) ns; bucket 0 also < 1 ns; past 2^32 ns too; the last bucket everything longer', () => {
    const at = (ns: number) => waitBuckets(ns).length - 1; // trimmed after the only non-empty bucket
    expect([0, 0.4, 1, 1.99].map(at)).toEqual([0, 0, 0, 0]);
    expect([2, 3, 3.9, 4].map(at)).toEqual([1, 1, 1, 2]);
    expect([1023, 1024, 1025, 1e6].map(at)).toEqual([9, 10, 10, 19]);
    expect([2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5, 2 ** 39].map(at)).toEqual([31, 32, 33, 39]);
    expect(at(2 ** 45)).toBe(HISTOGRAM_BUCKETS - 1);
    expect(waitBuckets(1024)).toEqual([...Array<number>(10).fill(0), 1]);
  });

  it('only contended acquisitions have a wait; only timed releases a hold; a grace period is the RCU row wait', () => {
    const s = new LockStats();
    s.acquired(CONFIG, -1); // free
    s.acquired(CONFIG, 100); // waited 100 ns: bucket 6
    s.released(CONFIG, -1); // not timed
    s.released(CONFIG, 5); // bucket 2
    s.gracePeriod(3000); // bucket 11
    s.gracePeriod(-1); // counted, not timed
    s.acquired(RCU_CLASS, -1); // a read-side section
    const [config, rcu] = s.rows();
    expect(config).toMatchObject({ class: 'config_lock', acquisitions: 2, contentions: 1, waitTotal: 100, waitMax: 100, holdSamples: 1, holdTotal: 5, holdMax: 5 });
    expect(config!.waitHistogram).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(config!.holdHistogram).toEqual([0, 0, 1]);
    expect(rcu).toMatchObject({ class: 'rcu', acquisitions: 1, contentions: 2, waitTotal: 3000, holdSamples: 0, holdHistogram: [] });
    expect(rcu!.waitHistogram.length).toBe(12);
    expect(rcu!.waitHistogram[11]).toBe(1);
  });

  it('a percentile is the geometric middle of its bucket, capped by the maximum; 0 when empty', () => {
    const h = [0, 3, 1]; // three in [2, 4), one in [4, 8)
    expect(histogramPercentile(h, 0.5)).toBe(2 ** 1.5);
    expect(histogramPercentile(h, 0.75)).toBe(2 ** 1.5);
    expect(histogramPercentile(h, 0.76)).toBe(2 ** 2.5);
    expect(histogramPercentile(h, 0.99)).toBe(2 ** 2.5);
    expect(histogramPercentile(h, 1)).toBe(2 ** 2.5);
    expect(histogramPercentile(h, 0.99, 5)).toBe(5);
    expect(histogramPercentile([], 0.5)).toBe(0);
    expect(histogramPercentile([0, 0], 0.99)).toBe(0);
    // 99 short waits and one long one: p50 and p99 short, p100 long.
    const skew = [99, ...Array<number>(19).fill(0), 1];
    expect(histogramPercentile(skew, 0.99)).toBe(2 ** 0.5);
    expect(histogramPercentile(skew, 1)).toBe(2 ** 20.5);
    // q × total a hair above an integer in floating point (0.07 × 100) is still that rank.
    expect(histogramPercentile([7, 93], 0.07)).toBe(2 ** 0.5);
  });

  it('rows add per class, histograms bucket by bucket; threads sum the same way', () => {
    const a = new LockStats();
    a.acquired(CONFIG, 2);
    a.released(CONFIG, 1);
    const b = new LockStats();
    b.acquired(CONFIG, 1024);
    b.acquired(CONFIG, 3);
    const sum = addLockStatRows(a.rows(), b.rows());
    expect(sum).toEqual([
      {
        class: 'config_lock',
        acquisitions: 3,
        contentions: 3,
        waitTotal: 1029,
        waitMax: 1024,
        holdTotal: 1,
        holdMax: 1,
        holdSamples: 1,
        waitHistogram: [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        holdHistogram: [1],
      },
    ]);
    expect(sumRows([a.rows(), b.rows()])).toEqual(sum);
    expect(sumRows([])).toEqual([]);
  });
});
