/**
 * `vpmu-lab/testing`: sim-mode exploration for test authors (vitest or any runner). Explore a
 * built-in or custom scenario, or a few model operations, with a strategy and a budget; get
 * back the failures with their schedules (files for scenarios), replay them, assert on them.
 *
 *   const r = await exploreScenario('nr-counters-race', { budgetMs: 2000 });
 *   expect(r.failures[0]?.oracle).toBe('guest-undef');
 *   expect(replaySchedule(r.failures[0]!.replayFile).identical).toBe(true);
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinScenarioNames, builtinScenarios } from './engine/builtin-scenarios.js';
import { resolveScenario, type ScenarioSpec } from './engine/scenario.js';
import { explore, exploreDefaults, makeStrategy, type ExploreOptions, type ExploreResult } from './explore/explore.js';
import { replayOps, runOpsExecution, type OpsCase, type OpsExecution } from './explore/ops.js';
import { replayScheduleFile, type Replay } from './explore/replay-file.js';
import { unknownName } from './host/errors.js';

export type { ExploreOptions, ExploreResult, FailureReport, StrategyName } from './explore/explore.js';
export type { OpsCase, OpsExecution } from './explore/ops.js';
export type { Replay } from './explore/replay-file.js';
export { oracleNames, ORACLES } from './check/verdict.js';
export { replayOps };

export type ExploreScenarioOptions = Partial<Omit<ExploreOptions, 'onProgress'>> & {
  /** Overrides of the scenario's own settings, as `vpmu-lab explore --design/--profile`. */
  readonly design?: ScenarioSpec['design'];
  readonly profile?: string;
};

/**
 * Explores a built-in scenario (by name) or a scenario object. Schedule files go to `outDir`
 * (default: a fresh temporary directory). Defaults: as `vpmu-lab explore` (PCT, depth 3,
 * 10 s budget, stop at the first failure, shrink it).
 */
export function exploreScenario(scenario: string | ScenarioSpec, opts: ExploreScenarioOptions = {}): Promise<ExploreResult> {
  let spec: ScenarioSpec;
  if (typeof scenario === 'string') {
    const found = Object.hasOwn(builtinScenarios, scenario) ? builtinScenarios[scenario] : undefined;
    if (!found) throw unknownName('scenario', scenario, builtinScenarioNames);
    spec = found;
  } else spec = scenario;
  const { design, profile, ...rest } = opts;
  spec = { ...spec, ...(design ? { design } : {}), ...(profile ? { profile } : {}) };
  const s = resolveScenario(spec, typeof scenario === 'string' ? `scenario ${scenario}` : 'scenario');
  return explore(spec, s, { ...exploreDefaults, outDir: mkdtempSync(join(tmpdir(), 'vpmu-explore-')), ...rest });
}

/** Replays a schedule file exactly: `identical` says the trace hash matched the recording. */
export function replaySchedule(file: string): Replay {
  return replayScheduleFile(file);
}

export interface ExploreOpsResult {
  readonly verdict: 'SUCCESS' | 'FAILURE';
  readonly runs: number;
  /** Failing executions (each replayed once), with their schedules (`replayOps(case, failure)` runs one again). */
  readonly failures: readonly OpsExecution[];
  readonly summary: readonly string[];
}

/** Explores interleavings of a few model operations (see OpsCase). */
export function exploreOps<S>(
  c: OpsCase<S>,
  opts: Partial<Pick<ExploreOptions, 'strategy' | 'runs' | 'seed' | 'depth' | 'maxPreemptions' | 'budgetMs' | 'keepGoing'>> = {},
): ExploreOpsResult {
  const o = { ...exploreDefaults, runs: 1000, ...opts };
  const strategy = makeStrategy(o);
  const t0 = performance.now();
  const failures: OpsExecution[] = [];
  let runs = 0;
  while ((o.runs === 0 || runs < o.runs) && performance.now() - t0 < o.budgetMs) {
    const e = runOpsExecution(c, strategy, { record: false });
    if (!e) break;
    runs++;
    if (e.failure) {
      // Replayed once before it is reported, as explore does: another trace is nondeterminism.
      const again = replayOps(c, e);
      failures.push(again.traceHash === e.traceHash ? e : { ...e, failure: { oracle: 'uncontrolled-nondeterminism', reason: `replay gave trace ${again.traceHash}, not ${e.traceHash}` } });
      if (!o.keepGoing) break;
    }
  }
  return { verdict: failures.length > 0 ? 'FAILURE' : 'SUCCESS', runs, failures, summary: strategy.summary(runs) };
}
