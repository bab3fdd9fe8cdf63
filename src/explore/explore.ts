/**
 * An exploration campaign (`vpmu-lab explore`): executions of one scenario under one
 * strategy until the run count, the wall-clock budget or the strategy runs out, or the
 * first failure. Each failure is replayed once from its stored schedule before it is
 * reported — a replay with another trace hash is uncontrolled nondeterminism, itself a
 * failure — then written to a schedule file and shrunk.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Scenario, ScenarioSpec } from '../engine/scenario.js';
import type { OracleName } from '../check/verdict.js';
import { buildId } from './build-id.js';
import { runExecution, type Execution } from './execution.js';
import { SCHEDULE_FORMAT, writeSchedule, type Migrations, type ScheduleFile, type Switches } from './schedule.js';
import { shrinkSchedule } from './shrink.js';
import { DfsStrategy } from './strategies/dfs.js';
import { PctStrategy } from './strategies/pct.js';
import { RandomStrategy } from './strategies/random.js';
import { ReplayStrategy } from './strategies/replay.js';
import type { Strategy } from './strategy.js';

export const strategyNames = ['random', 'pct', 'dfs'] as const;
export type StrategyName = (typeof strategyNames)[number];

export interface ExploreOptions {
  readonly strategy: StrategyName;
  /** Executions at most (0: until the budget or the strategy runs out). */
  readonly runs: number;
  readonly seed: number;
  /** PCT depth d. */
  readonly depth: number;
  /** DFS preemption bound K. */
  readonly maxPreemptions: number;
  /** Wall-clock budget for the search, ms. */
  readonly budgetMs: number;
  /** Steps per execution before it is stopped. */
  readonly maxSteps: number;
  /** Keep exploring after a failure (each failing execution is reported). */
  readonly keepGoing: boolean;
  /** Shrink each failure, within this many ms (0: do not shrink). */
  readonly shrinkMs: number;
  /** Where schedule files go. */
  readonly outDir: string;
  readonly onProgress?: (p: { runs: number; steps: number; elapsedMs: number; failures: number }) => void;
  readonly signal?: AbortSignal;
}

export interface FailureReport {
  readonly oracle: OracleName | 'uncontrolled-nondeterminism';
  readonly reason: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly steps: number;
  readonly replayFile: string;
  /** Injected migrations of the failing execution. */
  readonly migrations: number;
  readonly minimal?: { preemptions: number; migrations: number; switches: number; steps: number; traceHash: string; replayFile: string; locallyMinimal: boolean };
}

export interface ExploreResult {
  readonly verdict: 'SUCCESS' | 'FAILURE';
  readonly scenario: string;
  readonly strategy: StrategyName;
  readonly build: string;
  readonly runs: number;
  readonly steps: number;
  /** Preempt-and-migrate actions the strategy injected, over all executions. */
  readonly migrations: number;
  readonly stepsPerSecond: number;
  readonly wallMs: number;
  /** Virtual time simulated, summed over executions (each its furthest thread clock), ns. */
  readonly virtualNs: number;
  readonly interrupted: boolean;
  readonly summary: readonly string[];
  readonly failures: readonly FailureReport[];
}

/** What `explore` does unless told otherwise (the CLI's and the testing export's defaults). */
export const exploreDefaults: Readonly<Omit<ExploreOptions, 'onProgress' | 'signal'>> = Object.freeze({
  strategy: 'pct',
  runs: 0,
  seed: 1,
  depth: 3,
  maxPreemptions: 2,
  budgetMs: 10_000,
  maxSteps: 20_000,
  keepGoing: false,
  shrinkMs: 5_000,
  outDir: 'vpmu-schedules',
});

export function makeStrategy(o: Pick<ExploreOptions, 'strategy' | 'seed' | 'depth' | 'maxPreemptions'>): Strategy {
  switch (o.strategy) {
    case 'random':
      return new RandomStrategy(o.seed);
    case 'pct':
      return new PctStrategy(o.seed, o.depth);
    case 'dfs':
      return new DfsStrategy(o.maxPreemptions, o.seed);
  }
}

export async function explore(spec: ScenarioSpec, s: Scenario, o: ExploreOptions): Promise<ExploreResult> {
  const strategy = makeStrategy(o);
  const build = buildId();
  const t0 = performance.now();
  const failures: FailureReport[] = [];
  let runs = 0;
  let steps = 0;
  let migrations = 0;
  let virtualNs = 0;
  let searchMs = 0;
  let lastProgress = t0;
  for (;;) {
    // Let signals and timers in between executions (the search itself is synchronous).
    await new Promise<void>((r) => setImmediate(r));
    if (o.signal?.aborted) break;
    if (o.runs > 0 && runs >= o.runs) break;
    if (performance.now() - t0 >= o.budgetMs) break;
    const e = runExecution(s, strategy, { maxSteps: o.maxSteps, stopOnFailure: true });
    if (!e) break; // the strategy explored everything
    runs++;
    steps += e.steps;
    migrations += e.migrations.steps.length;
    virtualNs += e.virtualNs;
    searchMs += e.wallMs;
    if (e.verdict.verdict === 'FAILURE') {
      failures.push(report(spec, s, o, strategy.name, build, e));
      if (!o.keepGoing) break;
    }
    const now = performance.now();
    if (o.onProgress && now - lastProgress >= 1000) {
      lastProgress = now;
      o.onProgress({ runs, steps, elapsedMs: now - t0, failures: failures.length });
    }
  }
  const wallMs = performance.now() - t0;
  return {
    verdict: failures.length > 0 ? 'FAILURE' : 'SUCCESS',
    scenario: s.name,
    strategy: o.strategy,
    build,
    runs,
    steps,
    migrations,
    // The search itself: replays and shrinking of failures are not counted.
    stepsPerSecond: searchMs > 0 ? Math.round((steps * 1000) / searchMs) : 0,
    wallMs,
    virtualNs,
    interrupted: o.signal?.aborted === true,
    summary: strategy.summary(runs),
    failures,
  };
}

/** Replays a failure once, stores its schedule, shrinks it: the report of one failure. */
function report(spec: ScenarioSpec, s: Scenario, o: ExploreOptions, strategy: string, build: string, e: Execution): FailureReport {
  mkdirSync(o.outDir, { recursive: true });
  const base = join(o.outDir, `${safe(s.name)}-${strategy}-${e.seed}`);
  const file = (sw: Switches, mg: Migrations, x: Execution, oracle: string | undefined): ScheduleFile => ({
    format: SCHEDULE_FORMAT,
    build,
    scenario: spec,
    strategy,
    campaignSeed: o.seed,
    seed: e.seed,
    maxSteps: o.maxSteps,
    steps: x.steps,
    traceHash: x.traceHash,
    ...(oracle ? { oracle } : {}),
    switches: sw,
    migrations: mg,
  });
  const replayFile = `${base}.json`;
  writeSchedule(replayFile, file(e.switches, e.migrations, e, e.verdict.oracle));
  const again = runExecution(s, new ReplayStrategy(e.seed, e.switches, true, e.migrations), { maxSteps: o.maxSteps, stopOnFailure: true })!;
  if (again.traceHash !== e.traceHash) {
    return {
      oracle: 'uncontrolled-nondeterminism',
      reason: `the replay of ${e.verdict.oracle} (trace ${e.traceHash}, ${e.steps} steps) gave trace ${again.traceHash} (${again.steps} steps): the model read something the schedule does not control`,
      seed: e.seed,
      traceHash: e.traceHash,
      steps: e.steps,
      migrations: e.migrations.steps.length,
      replayFile,
    };
  }
  const found: FailureReport = { oracle: e.verdict.oracle!, reason: e.verdict.reason!, seed: e.seed, traceHash: e.traceHash, steps: e.steps, migrations: e.migrations.steps.length, replayFile };
  if (o.shrinkMs <= 0) return found;
  const shrunk = shrinkSchedule(s, e, o.maxSteps, o.shrinkMs);
  const minFile = `${base}.min.json`;
  // The deviations the shrunk replay really took (a kept switch it could not take is not one).
  const x = shrunk.execution;
  writeSchedule(minFile, file(x.switches, x.migrations, x, x.verdict.oracle));
  return {
    ...found,
    minimal: {
      preemptions: x.preemptions,
      migrations: x.migrations.steps.length,
      switches: x.switches.steps.length,
      steps: x.steps,
      traceHash: x.traceHash,
      replayFile: minFile,
      locallyMinimal: shrunk.minimal,
    },
  };
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_');
}
