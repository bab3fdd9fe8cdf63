/**
 * `vpmu-lab run <scenario|file.json>`: a scenario on real worker threads, with a live
 * progress line on stderr and a summary (or one JSON object with --json) on stdout.
 * It ends with the verdict line (SUCCESS / FAILURE: <oracle> …, check/verdict.ts).
 * Exit: 0 SUCCESS, 1 FAILURE (a guest death, an invariant, a worker crash, the watchdog), 2 bad input, 130 SIGINT,
 * 143 SIGTERM (main.ts traps both from the start and aborts `ctx.signal`; the run stops,
 * even while its workers are still starting, and the partial summary is printed).
 * Its options and their help are declared in main.ts.
 */
import { constants } from 'node:os';
import { formatVerdict, verdictOf } from '../check/verdict.js';
import { runScenario } from '../engine/coordinator.js';
import { formatProgress, formatReport } from '../engine/report-format.js';
import { HW_TRAP_BATCH } from '../engine/pcpu-loop.js';
import type { HwStepLog } from '../engine/coordinator.js';
import { buildId } from '../explore/build-id.js';
import { HW_LOG_FORMAT, writeHwLog } from '../explore/hw-log.js';
import { intFlag, stringFlag, toJson, type ParsedArgs } from './args.js';
import type { CommandContext } from './help.js';
import { scenarioFromArgs } from './scenario-arg.js';
import { runAsComparison } from '../compare/aggregate.js';
import { writeComparisonHtml } from '../report/html.js';
import { formatSwitches } from '../kvm/designs.js';
import { resolve } from 'node:path';
import { checkWritable } from './output-path.js';

/** Ring size per thread under --record: 12 MB of shared memory each. */
const RECORD_EVENTS_PER_THREAD = 1 << 20;

/** The conventional exit code of a process stopped by `signal` (a signal name): 128 + its number. */
export function signalExitCode(signal: unknown): number {
  const n = typeof signal === 'string' ? constants.signals[signal as NodeJS.Signals] : undefined;
  return 128 + (n ?? constants.signals.SIGINT);
}

export async function runCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const { spec, scenario: resolved, design } = scenarioFromArgs(args);
  const html = stringFlag(args, 'html');
  if (html) checkWritable('html', html);
  // --seed is the placement policy's seed here (explore's --seed names its campaign).
  const scenario = args.flags.has('seed') ? { ...resolved, seed: intFlag(args, 'seed', 1, 0, 2 ** 31 - 1) } : resolved;
  const live = !args.flags.has('quiet');
  const tty = process.stderr.isTTY === true;
  if (live) {
    const threads = scenario.topology.cpus + scenario.vmm.length;
    const line = `starting ${threads} threads (${scenario.topology.cpus} pCPUs, ${scenario.vmm.length} VMM)…`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
  const recordTo = stringFlag(args, 'record');
  let log: HwStepLog | undefined;
  const report = await runScenario(scenario, {
    ...(recordTo ? { record: { eventsPerThread: RECORD_EVENTS_PER_THREAD, onLog: (l) => (log = l) } } : {}),
    signal: ctx.signal,
    progressMs: tty ? 250 : 1000,
    onProgress: live ? (p) => process.stderr.write(tty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`) : undefined,
  });
  if (live && tty) process.stderr.write('\r\x1b[2K');
  const verdict = verdictOf(report);
  if (recordTo && log) {
    writeHwLog(recordTo, {
      format: HW_LOG_FORMAT,
      build: buildId(),
      scenario: { ...spec, scheduler: { ...spec.scheduler, seed: scenario.seed } },
      seed: scenario.seed,
      trapEvery: HW_TRAP_BATCH,
      verdict: verdict.verdict,
      ...(verdict.oracle ? { oracle: verdict.oracle } : {}),
      log,
    });
    const lost = Object.entries(log.lost);
    process.stderr.write(
      `recorded ${log.seq.length} seam steps to ${recordTo}` +
        (lost.length > 0 ? ` — rings overflowed, oldest steps lost (${lost.map(([t, n]) => `${t} ${n}`).join(', ')}): a replay needs a shorter run` : `; replay it in sim: vpmu-lab replay --from-hw ${recordTo}`) +
        '\n',
    );
  }
  if (args.flags.has('json')) console.log(toJson({ ...report, verdict: verdict.verdict, oracle: verdict.oracle, findings: verdict.findings }));
  else {
    const given = design ? `design ${design.name} (${design.axis}: ${formatSwitches(design)})\n` : '';
    console.log(`${given}${formatReport(report)}\n\n${formatVerdict(verdict, report.interrupted)}`);
  }
  if (html) {
    writeComparisonHtml(html, runAsComparison(report, scenario, design));
    process.stderr.write(`wrote the HTML report to ${resolve(html)}\n`);
  }
  if (report.failure) {
    // Runs on real threads are not seed-deterministic: the same configuration again, or
    // recorded, so the sim can replay exactly what happened.
    const seeded = args.flags.has('seed') ? ctx.argv : [...ctx.argv, '--seed', String(scenario.seed)];
    const again = `vpmu-lab run ${seeded.join(' ')}`;
    console.error(`vpmu-lab run: ${report.failure.message} (run again: ${again}${recordTo ? '' : `; to replay a failure exactly, record it: ${again} --record FILE, then vpmu-lab replay --from-hw FILE`})`);
  }
  if (report.interrupted) return signalExitCode(ctx.signal.reason);
  return verdict.verdict === 'SUCCESS' ? 0 : 1;
}
