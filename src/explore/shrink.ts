/**
 * Shrinking a failing schedule: delta debugging (Zeller's ddmin) over its choices — the
 * steps where it deviated from the non-preemptive default, and the migrations it injected.
 * A candidate keeps a subset of them and is replayed leniently (a kept switch to a thread
 * that cannot step is skipped); it is kept if it fails the same way (`failureSignature`:
 * the same oracle, the same guest, and a death inside one KVM_RUN stays one). The result is
 * 1-minimal when the search finishes inside its budget: removing any single remaining
 * choice makes the failure go away.
 */
import type { Scenario } from '../engine/scenario.js';
import { runExecution, type Execution } from './execution.js';
import type { Migrations, Switches } from './schedule.js';
import { ReplayStrategy } from './strategies/replay.js';

export interface ShrinkResult {
  /** The lenient replay of the kept choices: it fails the same way; its own switches and migrations are the shrunk schedule. */
  readonly execution: Execution;
  /** True if the search finished: 1-minimal. False: the budget ran out first. */
  readonly minimal: boolean;
  readonly tries: number;
}

export function shrinkSchedule(s: Scenario, failing: Execution, maxSteps: number, budgetMs: number): ShrinkResult {
  const signature = failureSignature(failing);
  const deadline = performance.now() + budgetMs;
  const nSwitches = failing.switches.steps.length;
  // Choice k < nSwitches is switch k; the others are migrations.
  const pick = (idx: readonly number[]): { switches: Switches; migrations: Migrations } => {
    const sw = idx.filter((i) => i < nSwitches);
    const mg = idx.filter((i) => i >= nSwitches).map((i) => i - nSwitches);
    const m = failing.migrations;
    return {
      switches: { steps: sw.map((i) => failing.switches.steps[i]!), threads: sw.map((i) => failing.switches.threads[i]!) },
      migrations: { steps: mg.map((i) => m.steps[i]!), threads: mg.map((i) => m.threads[i]!), cpus: mg.map((i) => m.cpus[i]!) },
    };
  };
  const replay = (idx: readonly number[]) => {
    const { switches, migrations } = pick(idx);
    return runExecution(s, new ReplayStrategy(failing.seed, switches, false, migrations), { maxSteps, stopOnFailure: true })!;
  };
  let tries = 0;
  let best = failing;
  const fails = (idx: readonly number[]): Execution | undefined => {
    tries++;
    const e = replay(idx);
    return failureSignature(e) === signature ? e : undefined;
  };

  let kept = Array.from({ length: nSwitches + failing.migrations.steps.length }, (_, i) => i);
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
      finished = true; // every single choice was tried: 1-minimal
      break;
    }
    n = Math.min(n * 2, kept.length);
  }
  if (best === failing) best = replay(kept); // the schedule as stored: its own replay
  return { execution: best, minimal: finished, tries };
}

/**
 * What "fails the same way" keeps: the oracle; for a guest death, which vCPU died and
 * whether the change that killed it came inside the same KVM_RUN (item 13's N change).
 */
export function failureSignature(e: Execution): string {
  const oracle = e.verdict.oracle ?? 'none';
  if (oracle !== 'guest-undef' && oracle !== 'guest-crash') return oracle;
  const dead = e.report.vcpus.find((v) => v.crashRecord);
  return `${oracle} vcpu ${dead?.vm}/${dead?.id}${dead?.crashRecord?.countChangedInRun ? ' inside one KVM_RUN' : ''}`;
}
