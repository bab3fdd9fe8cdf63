/**
 * Replaying a schedule file exactly (`vpmu-lab replay`, the testing export): the same steps in
 * the same order, checked against the recorded trace hash. A stored choice that cannot step,
 * or another hash, is a divergence: uncontrolled nondeterminism when the build is the same.
 */
import type { OracleName } from '../check/verdict.js';
import { threadNames } from '../engine/messages.js';
import { resolveScenario, type Scenario } from '../engine/scenario.js';
import { badField } from '../host/errors.js';
import { buildId } from './build-id.js';
import { runExecution, type Execution } from './execution.js';
import { readSchedule, type ScheduleFile } from './schedule.js';
import { ReplayStrategy } from './strategies/replay.js';

export interface Replay {
  readonly file: string;
  readonly schedule: ScheduleFile;
  readonly scenario: Scenario;
  readonly execution: Execution;
  readonly build: string;
  /** Same trace hash as recorded, and every stored choice could step. */
  readonly identical: boolean;
  /** Why it is not identical. */
  readonly divergence?: string;
  readonly verdict: 'SUCCESS' | 'FAILURE';
  readonly oracle?: OracleName | 'uncontrolled-nondeterminism';
}

export function replayScheduleFile(file: string, opts: { record?: boolean } = {}): Replay {
  const schedule = readSchedule(file);
  const scenario = resolveScenario(schedule.scenario, `${file}.scenario`);
  // Choices must name threads and CPUs the scenario has (replay would skip them otherwise).
  const threads = threadNames(scenario).length;
  const bad = (field: string, k: number, what: string, v: number) => badField(`${file}.${field}[${k}]`, what, v);
  schedule.switches.threads.forEach((t, k) => {
    if (t >= threads) throw bad('switches', k, `a thread of the scenario (0..${threads - 1})`, t);
  });
  schedule.migrations.threads.forEach((t, k) => {
    if (t >= scenario.topology.cpus) throw bad('migrations', k, `a pCPU thread (0..${scenario.topology.cpus - 1})`, t);
    const cpu = schedule.migrations.cpus[k]!;
    if (cpu >= scenario.topology.cpus) throw bad('migrations', k, `a CPU of the host (0..${scenario.topology.cpus - 1})`, cpu);
  });
  const strategy = new ReplayStrategy(schedule.seed, schedule.switches, true, schedule.migrations);
  // A schedule converted from a hw run stops where the hw run stopped and batches traps alike.
  const converted = schedule.stopAfter !== undefined;
  const execution = runExecution(scenario, strategy, {
    maxSteps: schedule.maxSteps,
    stopOnFailure: !converted,
    record: opts.record,
    ...(converted ? { stopAfter: schedule.stopAfter } : {}),
    ...(schedule.trapEvery !== undefined ? { trapEvery: schedule.trapEvery } : {}),
  })!;
  const build = buildId();
  const identical = execution.traceHash === schedule.traceHash && strategy.divergedAt === undefined;
  const divergence = identical
    ? undefined
    : `the replay diverged from the recording${strategy.divergedAt !== undefined ? ` at step ${strategy.divergedAt} (the stored choice could not step)` : ''}: ` +
      `trace ${execution.traceHash} (${execution.steps} steps), recorded ${schedule.traceHash} (${schedule.steps} steps)` +
      (schedule.build !== build ? `; recorded by build ${schedule.build}, replayed by ${build}` : '; same build: uncontrolled nondeterminism');
  return {
    file,
    schedule,
    scenario,
    execution,
    build,
    identical,
    ...(divergence ? { divergence } : {}),
    verdict: divergence ? 'FAILURE' : execution.verdict.verdict,
    ...(divergence ? { oracle: 'uncontrolled-nondeterminism' as const } : execution.verdict.oracle ? { oracle: execution.verdict.oracle } : {}),
  };
}
