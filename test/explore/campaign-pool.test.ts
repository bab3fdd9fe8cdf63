/**
 * A campaign on a piscina pool gives what the same campaign gives on one thread: the same
 * executions counted, the same failures (execution index, seed, trace hash, oracle, steps),
 * in the same order — with keep-going, and when it stops at its first failure while other
 * workers are still running later blocks. A failure found on a worker replays here. The
 * pool runs the built worker (dist/workers/campaign.js): `npm test` builds first.
 */
import { describe, expect, it } from 'vitest';
import { exploreScenario, replaySchedule, type ExploreResult } from '../../src/testing.js';

/** What must not depend on the number of workers. */
const outcome = (r: ExploreResult) => ({
  verdict: r.verdict,
  runs: r.runs,
  steps: r.steps,
  migrations: r.migrations,
  virtualNs: r.virtualNs,
  summary: r.summary,
  failures: r.failures.map((f) => ({ index: f.index, seed: f.seed, traceHash: f.traceHash, oracle: f.oracle, steps: f.steps, migrations: f.migrations })),
});

describe('campaign pool', () => {
  it('keep going over 4 blocks: the same failures, in the same order, with 1 and 2 workers', async () => {
    const o = { strategy: 'pct', seed: 3, runs: 120, keepGoing: true, shrinkMs: 0, budgetMs: 60_000 } as const;
    const one = await exploreScenario('nr-counters-race', { ...o, workers: 1 });
    const two = await exploreScenario('nr-counters-race', { ...o, workers: 2 });
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(one.runs).toBe(120);
    // Failures in more than one block: the pool's blocks really were merged.
    expect(new Set(one.failures.map((f) => Math.floor(f.index / 32))).size).toBeGreaterThan(1);
    expect(outcome(two)).toEqual(outcome(one));
    // Fastest-failing first.
    const steps = one.failures.map((f) => f.steps);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('stop at the first failure: the lowest-index one, and only what precedes it counted, whichever worker was first', async () => {
    // This campaign's first failure is in block 2 (index 67): both workers are busy with blocks
    // around it when it is found, and later blocks fail too.
    const o = { strategy: 'random', seed: 12, runs: 400, shrinkMs: 0, budgetMs: 60_000 } as const;
    const one = await exploreScenario('nr-counters-race', { ...o, workers: 1 });
    const two = await exploreScenario('nr-counters-race', { ...o, workers: 2 });
    expect(one.failures).toHaveLength(1);
    expect(one.failures[0]!.index).toBeGreaterThanOrEqual(64);
    expect(one.runs).toBe(one.failures[0]!.index + 1);
    expect(outcome(two)).toEqual(outcome(one));
  });

  it('a failure a worker found replays here, from its schedule file, with its trace hash', async () => {
    const r = await exploreScenario('flagship', { strategy: 'pct', seed: 5, runs: 64, workers: 2, shrinkMs: 0 });
    const f = r.failures[0]!;
    expect(f.oracle).not.toBe('uncontrolled-nondeterminism');
    expect(replaySchedule(f.replayFile)).toMatchObject({ identical: true, oracle: f.oracle, execution: { traceHash: f.traceHash } });
  });

  it('an abort ends the pool promptly with the partial report', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort('SIGINT'), 700);
    const t0 = performance.now();
    const r = await exploreScenario('pmu-list-race', { design: 'rcu', runs: 0, budgetMs: 60_000, workers: 2, signal: abort.signal });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ interrupted: true, verdict: 'SUCCESS', workers: 2 });
    expect(r.runs).toBeGreaterThan(0);
  });
});
