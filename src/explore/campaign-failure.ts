/**
 * The report of one failing execution, on this thread whoever found it: its schedule is
 * written to a file, replayed once exactly — a replay with another trace hash is
 * uncontrolled nondeterminism, itself a failure (and the proof that a failure found on a
 * worker replays here) — and shrunk.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioSpec, Scenario } from '../engine/scenario.js';
import type { CampaignJob } from './campaign-block.js';
import type { FailingRecord } from './campaign-search.js';
import { runExecution } from './execution.js';
import type { FailureReport } from './explore.js';
import { SCHEDULE_FORMAT, writeSchedule, type Migrations, type ScheduleFile, type Switches } from './schedule.js';
import { shrinkSchedule } from './shrink.js';
import { ReplayStrategy } from './strategies/replay.js';

export interface FailureContext {
  readonly spec: ScenarioSpec;
  readonly scenario: Scenario;
  readonly job: CampaignJob;
  readonly build: string;
  readonly outDir: string;
  /** Shrink within this many ms (0: do not shrink). */
  readonly shrinkMs: number;
}

export function reportFailure(c: FailureContext, found: FailingRecord): FailureReport {
  const { scenario: s, job } = c;
  mkdirSync(c.outDir, { recursive: true });
  const base = join(c.outDir, `${safe(s.name)}-${job.strategy}-${found.seed}`);
  const file = (sw: Switches, mg: Migrations, steps: number, traceHash: string, oracle: string | undefined): ScheduleFile => ({
    format: SCHEDULE_FORMAT,
    build: c.build,
    scenario: c.spec,
    strategy: job.strategy,
    campaignSeed: job.seed,
    seed: found.seed,
    maxSteps: job.maxSteps,
    steps,
    traceHash,
    ...(oracle ? { oracle } : {}),
    switches: sw,
    migrations: mg,
  });
  const { switches, migrations } = found.failure;
  const replayFile = `${base}.json`;
  writeSchedule(replayFile, file(switches, migrations, found.steps, found.traceHash, found.failure.oracle));
  const again = runExecution(s, new ReplayStrategy(found.seed, switches, true, migrations), { maxSteps: job.maxSteps, stopOnFailure: true })!;
  const common = { index: found.index, seed: found.seed, traceHash: found.traceHash, steps: found.steps, migrations: migrations.steps.length, replayFile };
  if (again.traceHash !== found.traceHash) {
    return {
      oracle: 'uncontrolled-nondeterminism',
      reason: `the replay of ${found.failure.oracle} (trace ${found.traceHash}, ${found.steps} steps) gave trace ${again.traceHash} (${again.steps} steps): the model read something the schedule does not control`,
      ...common,
    };
  }
  const reported: FailureReport = { oracle: found.failure.oracle, reason: found.failure.reason, ...common };
  if (c.shrinkMs <= 0) return reported;
  // The replay is the failing execution itself (same trace): shrink from it.
  const shrunk = shrinkSchedule(s, again, job.maxSteps, c.shrinkMs);
  const minFile = `${base}.min.json`;
  // The deviations the shrunk replay really took (a kept switch it could not take is not one).
  const x = shrunk.execution;
  writeSchedule(minFile, file(x.switches, x.migrations, x.steps, x.traceHash, x.verdict.oracle));
  return {
    ...reported,
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
