/**
 * `vpmu-lab replay FILE`: replays a schedule file in the sim driver, exactly: the same
 * steps in the same order, checked by the trace hash against the recorded one; prints the
 * per-thread timeline, the report's verdict and the hash. Exit: 0 SUCCESS, 1 FAILURE (the
 * failure reproduced, or a divergence: uncontrolled nondeterminism), 2 bad input.
 */
import { formatVerdict } from '../check/verdict.js';
import { resolveScenario } from '../engine/scenario.js';
import { buildId } from '../explore/build-id.js';
import { runExecution } from '../explore/execution.js';
import { readSchedule } from '../explore/schedule.js';
import { ReplayStrategy } from '../explore/strategies/replay.js';
import { formatTimeline } from '../explore/timeline.js';
import { VpmuLabError } from '../host/errors.js';
import { intFlag, toJson, type ParsedArgs } from './args.js';

export function replayCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) throw new VpmuLabError('expected one schedule file (written by vpmu-lab explore)');
  const file = args.positionals[0]!;
  const sched = readSchedule(file);
  const scenario = resolveScenario(sched.scenario, `${file}.scenario`);
  const strategy = new ReplayStrategy(sched.seed, sched.switches, true);
  const e = runExecution(scenario, strategy, { maxSteps: sched.maxSteps, stopOnFailure: true, record: true })!;
  const build = buildId();
  const identical = e.traceHash === sched.traceHash && strategy.divergedAt === undefined;
  const divergence = identical
    ? undefined
    : `the replay diverged from the recording${strategy.divergedAt !== undefined ? ` at step ${strategy.divergedAt} (the stored choice could not step)` : ''}: ` +
      `trace ${e.traceHash} (${e.steps} steps), recorded ${sched.traceHash} (${sched.steps} steps)` +
      (sched.build !== build ? `; recorded by build ${sched.build}, replayed by ${build}` : '; same build: uncontrolled nondeterminism');
  const verdict = divergence ? 'FAILURE' : e.verdict.verdict;
  const oracle = divergence ? 'uncontrolled-nondeterminism' : e.verdict.oracle;
  if (args.flags.has('json')) {
    console.log(
      toJson({
        verdict,
        ...(oracle ? { oracle } : {}),
        traceHash: e.traceHash,
        recordedTraceHash: sched.traceHash,
        identical,
        steps: e.steps,
        preemptions: e.preemptions,
        scenario: scenario.name,
        seed: sched.seed,
        build,
        recordedBuild: sched.build,
        ...(e.verdict.reason ? { reason: e.verdict.reason } : {}),
        findings: e.verdict.findings,
      }),
    );
  } else {
    const last = args.flags.has('full') ? undefined : intFlag(args, 'last', 60, 1, 1e9);
    console.log(
      [
        `replay ${file}: ${scenario.name}, seed ${sched.seed}, found by ${sched.strategy} (campaign seed ${sched.campaignSeed})`,
        '',
        ...formatTimeline(e.machine, { last }),
        '',
        `${e.steps} steps, ${e.preemptions} preemptions; trace ${e.traceHash} — ${identical ? 'identical to the recording' : 'DIVERGED'}`,
        ...(divergence ? [`FAILURE: uncontrolled-nondeterminism — ${divergence}`] : [formatVerdict(e.verdict)]),
      ].join('\n'),
    );
  }
  return verdict === 'SUCCESS' ? 0 : 1;
}
