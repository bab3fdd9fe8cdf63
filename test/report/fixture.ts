import type { Comparison, DesignFigures, Histogram, LockClassFigures, Spread } from '../../src/report/comparison.js';

/**
 * Comparisons for the HTML report's tests, made up but shaped like `vpmu-lab compare` output:
 * a seeded generator, so every run (and every screenshot) is the same.
 */

/** mulberry32: a tiny seeded PRNG, enough for plausible noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spread(median: number, rel: number, base?: number): Spread {
  const s = { median, min: median * (1 - rel), max: median * (1 + rel * 1.5) };
  return base === undefined || base === 0 ? s : { ...s, ratio: median / base };
}

/** A bell over log2 buckets around `center` (2^center ns), `total` events. */
function bell(rand: () => number, total: number, center: number, width: number, buckets = 28): Histogram {
  const w = Array.from({ length: buckets }, (_, i) => Math.exp(-((i - center) ** 2) / (2 * width * width)));
  const sum = w.reduce((a, b) => a + b, 0);
  return { counts: w.map((x) => Math.round(((total * x) / sum) * (0.85 + 0.3 * rand()))) };
}

function series(rand: () => number, n: number, level: number): number[] {
  // A short warm-up, then noise around the level.
  return Array.from({ length: n }, (_, k) => level * Math.min(1, (k + 1) / 3) * (0.9 + 0.2 * rand()));
}

interface Shape {
  readonly design: string;
  readonly summary: string;
  readonly loads: number;
  readonly accesses: number;
  readonly gracePeriodsPerSec: number;
  /** log2 bucket of the grace-period median; undefined: the design waits for none. */
  readonly graceCenter?: number;
  readonly listLock: string;
  readonly listWaitCenter: number;
  readonly failures: DesignFigures['failures'];
}

const ZERO: Spread = { median: 0, min: 0, max: 0 };
const LOCKS = ['config_lock', 'kvm->lock', 'vcpu->mutex'] as const;

function lockClass(rand: () => number, cls: string, acquisitions: number, center: number, base?: LockClassFigures): LockClassFigures {
  const contentions = Math.round(acquisitions * 0.03);
  const p50 = 2 ** center;
  return {
    class: cls,
    acquisitions: spread(acquisitions, 0.04, base?.acquisitions.median),
    contentions: spread(contentions, 0.2, base?.contentions.median),
    waitP50Ns: spread(p50, 0.1, base?.waitP50Ns.median),
    waitP99Ns: spread(p50 * 9, 0.2, base?.waitP99Ns.median),
    waitMaxNs: spread(p50 * 40, 0.5, base?.waitMaxNs.median),
    holdP50Ns: spread(180, 0.05, base?.holdP50Ns.median),
    holdP99Ns: spread(900, 0.15, base?.holdP99Ns.median),
    holdMaxNs: spread(7400, 0.4, base?.holdMaxNs.median),
    holdSamples: spread(Math.round(acquisitions / 8), 0.04, base?.holdSamples.median),
    waitHistogram: bell(rand, contentions * 5, center, 1.6),
  };
}

function design(rand: () => number, s: Shape, repeat: number, first?: DesignFigures): DesignFigures {
  const migrations = s.loads * 0.42;
  const ioctls = 3100;
  const g = s.graceCenter;
  const baseLock = (cls: string) => first?.lockStat.find((l) => l.class === cls);
  return {
    design: s.design,
    summary: s.summary,
    loadsPerSec: spread(s.loads, 0.03, first?.loadsPerSec.median),
    migrationsPerSec: spread(migrations, 0.05, first?.migrationsPerSec.median),
    guestAccessesPerSec: spread(s.accesses, 0.02, first?.guestAccessesPerSec.median),
    ioctlsPerSec: spread(ioctls, 0.06, first?.ioctlsPerSec.median),
    contextSwapsPerSec: ZERO,
    gracePeriodsPerSec: spread(s.gracePeriodsPerSec, 0.1, first?.gracePeriodsPerSec.median),
    gracePeriodP50Ns: g === undefined ? ZERO : spread(2 ** (g + 0.4), 0.08, first?.gracePeriodP50Ns.median),
    gracePeriodP99Ns: g === undefined ? ZERO : spread(2 ** (g + 2.6), 0.2, first?.gracePeriodP99Ns.median),
    gracePeriodHistogram: g === undefined ? { counts: [] } : bell(rand, s.gracePeriodsPerSec * 2 * repeat, g, 1.2),
    lockStat: [
      // The VM's locks are taken more, and waited on a little longer, the faster the design loads.
      ...LOCKS.map((cls, i) => lockClass(rand, cls, Math.round(((4000 + 1500 * i) * s.loads) / 182_000), 9 + i + (s.loads - 182_000) / 100_000, baseLock(cls))),
      lockClass(rand, s.listLock, s.loads * 2, s.listWaitCenter, baseLock(s.listLock)),
    ],
    measuredRepetitions: repeat - new Set(s.failures.map((f) => f.seed)).size,
    notes: s.failures.length > 0 ? [`${new Set(s.failures.map((f) => f.seed)).size} failed repetitions left out of the figures`] : [],
    failedRepetitions: new Set(s.failures.map((f) => f.seed)).size,
    failures: s.failures,
    series: {
      intervalMs: 100,
      loadsPerSec: series(rand, 20, s.loads),
      migrationsPerSec: series(rand, 20, migrations),
      guestAccessesPerSec: series(rand, 20, s.accesses),
      ioctlsPerSec: series(rand, 20, ioctls),
    },
  };
}

/** Three designs of the arm_pmus list under pmu-list-race: mutex, rcu, and the broken rcu that fails twice. */
export function realisticComparison(): Comparison {
  const rand = prng(9);
  const repeat = 5;
  const shapes: Shape[] = [
    { design: 'mutex', summary: 'arm_pmus under a mutex (mainline)', loads: 182_000, accesses: 3_400_000, gracePeriodsPerSec: 0, listLock: 'arm_pmus_lock', listWaitCenter: 11, failures: [] },
    { design: 'rcu', summary: 'readers under RCU (QSBR), the writer waits a grace period before reclaiming', loads: 241_000, accesses: 3_550_000, gracePeriodsPerSec: 38, graceCenter: 15, listLock: 'rcu', listWaitCenter: 15, failures: [] },
    {
      design: 'rcu-no-grace-period',
      summary: 'readers under RCU, the writer reclaims at once (broken on purpose)',
      loads: 247_000,
      accesses: 3_560_000,
      gracePeriodsPerSec: 41,
      graceCenter: 6,
      listLock: 'rcu',
      listWaitCenter: 6,
      failures: [
        { seed: 3, oracle: 'rcu-reclaimed-read', message: 'vcpu1 read arm_pmus node 2 after it was reclaimed (published at step 1184, reclaimed at 1201)' },
        { seed: 5, oracle: 'rcu-reclaimed-read', message: 'vcpu0 read arm_pmus node 1 after it was reclaimed (published at step 730, reclaimed at 733)' },
      ],
    },
  ];
  const designs: DesignFigures[] = [];
  for (const s of shapes) designs.push(design(rand, s, repeat, designs[0]));
  return { scenario: 'pmu-list-race', host: 'rk3588', profile: 'fixed-counters-only', durationMs: 2000, warmupMs: 500, repeat, seeds: [1, 2, 3, 4, 5], designs, generatedAt: '2026-11-30T10:00:00.000Z' };
}

/** One bare design with nothing recorded but the given series. */
function bareDesign(name: string, samples: number[]): DesignFigures {
  return {
    design: name,
    summary: '',
    loadsPerSec: ZERO,
    migrationsPerSec: ZERO,
    guestAccessesPerSec: ZERO,
    ioctlsPerSec: ZERO,
    contextSwapsPerSec: ZERO,
    gracePeriodsPerSec: ZERO,
    gracePeriodP50Ns: ZERO,
    gracePeriodP99Ns: ZERO,
    gracePeriodHistogram: { counts: [] },
    lockStat: [],
    measuredRepetitions: 1,
    notes: [],
    failedRepetitions: 0,
    failures: [],
    series: { intervalMs: 100, loadsPerSec: samples, migrationsPerSec: samples, guestAccessesPerSec: samples, ioctlsPerSec: samples },
  };
}

/** The edges: a series of no points and one of one point, no lock classes, no grace periods. */
export function sparseComparison(): Comparison {
  return {
    scenario: 'hammer',
    host: 'rk3588',
    profile: 'mainline',
    durationMs: 150,
    warmupMs: 0,
    repeat: 1,
    seeds: [7],
    designs: [bareDesign('mutex', []), bareDesign('rcu', [1200])],
    generatedAt: '2026-11-30T10:00:00.000Z',
  };
}
