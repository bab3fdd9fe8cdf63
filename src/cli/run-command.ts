/**
 * `vpmu-lab run <scenario|file.json>`: a scenario on real worker threads, with a live
 * progress line on stderr and a summary (or one JSON object with --json) on stdout.
 * Exit: 0 ran, 1 the run failed (worker crash, watchdog), 2 bad input, 130 SIGINT,
 * 143 SIGTERM (main.ts traps both from the start and aborts `ctx.signal`; the run stops,
 * even while its workers are still starting, and the partial summary is printed).
 * Its options and their help are declared in main.ts.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { VpmuLabError, unknownName } from '../host/errors.js';
import { builtinScenarioNames, builtinScenarios } from '../engine/builtin-scenarios.js';
import { runScenario } from '../engine/coordinator.js';
import { formatProgress, formatReport } from '../engine/report-format.js';
import { resolveScenario, type ScenarioSpec } from '../engine/scenario.js';
import { intFlag, stringFlag, toJson, type ParsedArgs } from './args.js';
import type { CommandContext } from './help.js';

function loadSpec(name: string): { spec: unknown; path: string } {
  if (!name.endsWith('.json')) {
    const spec = Object.hasOwn(builtinScenarios, name) ? builtinScenarios[name] : undefined;
    if (!spec) throw unknownName('scenario', name, [...builtinScenarioNames, '<file>.json']);
    return { spec, path: `scenario ${name}` };
  }
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (e) {
    throw new VpmuLabError(`${name}: cannot read the scenario file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  try {
    return { spec: JSON.parse(text), path: name };
  } catch (e) {
    throw new VpmuLabError(`${name}: not valid JSON (${(e as Error).message})`);
  }
}

/** The conventional exit code of a process stopped by `signal` (a signal name): 128 + its number. */
function signalExitCode(signal: unknown): number {
  const n = typeof signal === 'string' ? constants.signals[signal as NodeJS.Signals] : undefined;
  return 128 + (n ?? constants.signals.SIGINT);
}

export async function runCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) {
    throw new VpmuLabError(`expected one scenario (${builtinScenarioNames.join(', ')} or a .json file)`);
  }
  const { spec, path } = loadSpec(args.positionals[0]!);
  const o = { ...(spec as ScenarioSpec) };
  if (args.flags.has('duration')) o.durationMs = intFlag(args, 'duration', 0, 1, 24 * 3600 * 1000);
  if (args.flags.has('quanta')) o.quanta = intFlag(args, 'quanta', 0, 0, 2 ** 31 - 1);
  if (args.flags.has('profile')) o.profile = stringFlag(args, 'profile');
  if (args.flags.has('design')) o.design = stringFlag(args, 'design') as ScenarioSpec['design'];
  if (args.flags.has('seed') || args.flags.has('policy')) {
    o.scheduler = {
      ...o.scheduler,
      ...(args.flags.has('seed') ? { seed: intFlag(args, 'seed', 1, 0, 2 ** 31 - 1) } : {}),
      ...(args.flags.has('policy') ? { policy: stringFlag(args, 'policy') as never } : {}),
    };
  }
  const scenario = resolveScenario(o, path);
  const live = !args.flags.has('quiet');
  const tty = process.stderr.isTTY === true;
  if (live) {
    const threads = scenario.topology.cpus + scenario.vmm.length;
    const line = `starting ${threads} threads (${scenario.topology.cpus} pCPUs, ${scenario.vmm.length} VMM)…`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
  const report = await runScenario(scenario, {
    signal: ctx.signal,
    progressMs: tty ? 250 : 1000,
    onProgress: live ? (p) => process.stderr.write(tty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`) : undefined,
  });
  if (live && tty) process.stderr.write('\r\x1b[2K');
  console.log(args.flags.has('json') ? toJson(report) : formatReport(report));
  if (report.failure) {
    // Runs on real threads are not seed-deterministic; this replays the same configuration.
    console.error(`vpmu-lab run: ${report.failure.message} (run again: vpmu-lab run ${ctx.argv.join(' ')})`);
    return 1;
  }
  return report.interrupted ? signalExitCode(ctx.signal.reason) : 0;
}
