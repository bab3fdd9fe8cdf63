/**
 * Shrinking a failing schedule: delta debugging (Zeller's ddmin) over its switches — the
 * steps where it deviated from the non-preemptive default. A candidate keeps a subset of
 * them and is replayed leniently (a kept switch to a thread that cannot step is skipped);
 * it is kept if the same oracle fires. The result is 1-minimal when the search finishes
 * inside its budget: removing any single remaining switch makes the failure go away.
 */
import type { Scenario } from '../engine/scenario.js';
import { runExecution, type Execution } from './execution.js';
import type { Switches } from './schedule.js';
import { ReplayStrategy } from './strategies/replay.js';

export interface ShrinkResult {
  readonly switches: Switches;
  /** The replay of the shrunk schedule (it fails with the same oracle). */
  readonly execution: Execution;
  /** True if the search finished: 1-minimal. False: the budget ran out first. */
  readonly minimal: boolean;
  readonly tries: number;
}

export function shrinkSchedule(s: Scenario, failing: Execution, maxSteps: number, budgetMs: number): ShrinkResult {
  const oracle = failing.verdict.oracle;
  const deadline = performance.now() + budgetMs;
  const replay = (sw: Switches) => runExecution(s, new ReplayStrategy(failing.seed, sw, false), { maxSteps, stopOnFailure: true })!;
  const pick = (idx: readonly number[]): Switches => ({
    steps: idx.map((i) => failing.switches.steps[i]!),
    threads: idx.map((i) => failing.switches.threads[i]!),
  });
  let tries = 0;
  let best = failing;
  const fails = (idx: readonly number[]): Execution | undefined => {
    tries++;
    const e = replay(pick(idx));
    return e.verdict.oracle === oracle ? e : undefined;
  };

  let kept = failing.switches.steps.map((_, i) => i);
  let n = 2;
  let finished = false;
  while (performance.now() < deadline) {
    if (kept.length === 0) {
      finished = true;
      break;
    }
    const size = Math.ceil(kept.length / n);
    let reduced = false;
    for (let start = 0; start < kept.length && performance.now() < deadline; start += size) {
      const complement = [...kept.slice(0, start), ...kept.slice(start + size)];
      const e = fails(complement);
      if (e) {
        kept = complement;
        best = e;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (performance.now() >= deadline) break;
    if (size === 1) {
      finished = true; // every single switch was tried: 1-minimal
      break;
    }
    n = Math.min(n * 2, kept.length);
  }
  if (best === failing) best = replay(pick(kept)); // the schedule as stored: its own replay
  return { switches: pick(kept), execution: best, minimal: finished, tries };
}
