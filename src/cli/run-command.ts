/**
 * `vpmu-lab run <scenario|file.json>`: a scenario on real worker threads, with a live
 * progress line on stderr and a summary (or one JSON object with --json) on stdout.
 * Exit: 0 ran, 1 the run failed (worker crash, watchdog), 2 bad input, 130 SIGINT.
 */
import { readFileSync } from 'node:fs';
import { VpmuLabError, unknownName } from '../host/errors.js';
import { builtinScenarioNames, builtinScenarios } from '../engine/builtin-scenarios.js';
import { runScenario } from '../engine/coordinator.js';
import { formatProgress, formatReport } from '../engine/report-format.js';
import { resolveScenario, type ScenarioSpec } from '../engine/scenario.js';
import { intFlag, parseArgs, stringFlag, toJson } from './args.js';

function loadSpec(name: string): { spec: unknown; path: string } {
  if (!name.endsWith('.json')) {
    const spec = builtinScenarios[name];
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

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    duration: true,
    seed: true,
    profile: true,
    design: true,
    policy: true,
    quanta: true,
    json: false,
    quiet: false,
  });
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
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await runScenario(scenario, {
      signal: abort.signal,
      progressMs: tty ? 250 : 1000,
      onProgress: live
        ? (p) => process.stderr.write(tty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`)
        : undefined,
    });
    if (live && tty) process.stderr.write('\r\x1b[2K');
    console.log(args.flags.has('json') ? toJson(report) : formatReport(report));
    if (report.failure) {
      // Runs on real threads are not seed-deterministic; this replays the same configuration.
      console.error(`vpmu-lab run: ${report.failure.message} (run again: vpmu-lab run ${argv.join(' ')})`);
      return 1;
    }
    return report.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
