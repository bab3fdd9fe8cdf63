/**
 * `vpmu-lab replay FILE`: replays a schedule file in the sim driver, exactly
 * (src/explore/replay-file.ts), and prints the per-thread timeline, the verdict and the trace
 * hash. Exit: 0 SUCCESS, 1 FAILURE (the failure reproduced, or a divergence: uncontrolled
 * nondeterminism), 2 bad input.
 */
import { formatVerdict } from '../check/verdict.js';
import { formatLockStat } from '../engine/report-format.js';
import { replayFromHw } from '../explore/from-hw.js';
import { replayScheduleFile } from '../explore/replay-file.js';
import { formatPreemptions, formatTimeline } from '../explore/timeline.js';
import { VpmuLabError } from '../host/errors.js';
import { intFlag, toJson, type ParsedArgs } from './args.js';

export function replayCommand(args: ParsedArgs): number {
  if (args.positionals.length !== 1) throw new VpmuLabError('expected one schedule file (written by vpmu-lab explore), or with --from-hw a log (vpmu-lab run --record)');
  if (args.flags.has('from-hw')) return replayHwCommand(args);
  const r = replayScheduleFile(args.positionals[0]!, { record: !args.flags.has('json') });
  const e = r.execution;
  if (args.flags.has('json')) {
    console.log(
      toJson({
        verdict: r.verdict,
        ...(r.oracle ? { oracle: r.oracle } : {}),
        traceHash: e.traceHash,
        recordedTraceHash: r.schedule.traceHash,
        identical: r.identical,
        ...(r.divergence ? { divergence: r.divergence } : {}),
        steps: e.steps,
        preemptions: e.preemptions,
        migrations: e.migrations.steps.length,
        scenario: r.scenario.name,
        seed: r.schedule.seed,
        build: r.build,
        recordedBuild: r.schedule.build,
        findings: e.verdict.findings,
        lockStat: e.report.lockStat,
      }),
    );
  } else {
    const last = args.flags.has('full') ? undefined : intFlag(args, 'last', 60, 1, 1e9);
    console.log(
      [
        `replay ${r.file}: ${r.scenario.name}, seed ${r.schedule.seed}, found by ${r.schedule.strategy} (campaign seed ${r.schedule.campaignSeed})`,
        '',
        ...formatTimeline(e.machine, { last, preempted: e.preempted, migratedAt: e.migratedAt }),
        '',
        formatPreemptions(e.machine, e.preempted, e.migratedAt),
        ...formatLockStat(e.report.lockStat, e.report.lockStatUnit),
        `${e.steps} steps, ${e.preemptions} preemptions; trace ${e.traceHash} — ${r.identical ? 'identical to the recording' : 'DIVERGED'}`,
        r.divergence ? `FAILURE: uncontrolled-nondeterminism — ${r.divergence}` : formatVerdict(e.verdict),
      ].join('\n'),
    );
  }
  return r.verdict === 'SUCCESS' ? 0 : 1;
}

/** `replay --from-hw LOG`: the hw run followed in the sim; did it reproduce, and where not. */
function replayHwCommand(args: ParsedArgs): number {
  const r = replayFromHw(args.positionals[0]!, { record: !args.flags.has('json') });
  const e = r.execution;
  const hwVerdict = r.hw.verdict === 'SUCCESS' ? 'SUCCESS' : `FAILURE: ${r.hw.oracle}`;
  const divergence = r.divergence ? `the hw run did something the seam cannot express at step ${r.divergence.step}: ${r.divergence.reason}` : undefined;
  if (args.flags.has('json')) {
    console.log(
      toJson({
        verdict: e.verdict.verdict,
        ...(e.verdict.oracle ? { oracle: e.verdict.oracle } : {}),
        traceHash: e.traceHash,
        hwVerdict: r.hw.verdict,
        ...(r.hw.oracle ? { hwOracle: r.hw.oracle } : {}),
        reproduced: r.reproduced,
        logSteps: r.logSteps,
        steps: e.steps,
        ...(r.divergence ? { divergence: r.divergence } : {}),
        scheduleFile: r.scheduleFile,
      }),
    );
  } else {
    const last = args.flags.has('full') ? undefined : intFlag(args, 'last', 60, 1, 1e9);
    console.log(
      [
        `replay --from-hw ${args.positionals[0]}: ${r.scenario.name}, seed ${r.hw.seed}; the hw run logged ${r.logSteps} seam steps up to its stop (hw verdict: ${hwVerdict})`,
        '',
        ...formatTimeline(e.machine, { last, preempted: e.preempted }),
        '',
        divergence ?? `the sim followed every logged step (${r.logSteps}), then wound the run down (${e.steps} steps in all)`,
        `${r.reproduced ? 'reproduced in sim' : 'NOT reproduced in sim'}; schedule written: vpmu-lab replay ${r.scheduleFile}`,
        formatVerdict(e.verdict),
      ].join('\n'),
    );
  }
  return e.verdict.verdict === 'SUCCESS' ? 0 : 1;
}
