/**
 * `vpmu-lab explore SCENARIO|FILE.json`: the scenario in one thread under the sim driver,
 * execution after execution, a strategy picking every step (src/explore). Text or one JSON
 * object (API.md "Exploration"); it ends with the verdict line. Exit: 0 SUCCESS, 1 FAILURE,
 * 2 bad input, 130/143 on SIGINT/SIGTERM after the partial report.
 */
import { explore, exploreDefaults, strategyNames, type ExploreResult, type StrategyName } from '../explore/explore.js';
import { VpmuLabError } from '../host/errors.js';
import { intFlag, stringFlag, toJson, type ParsedArgs } from './args.js';
import type { CommandContext } from './help.js';
import { signalExitCode } from './run-command.js';
import { scenarioFromArgs } from './scenario-arg.js';

export async function exploreCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const { spec, scenario } = scenarioFromArgs(args);
  const d = exploreDefaults;
  const strategy = (stringFlag(args, 'strategy') ?? d.strategy) as StrategyName;
  if (!strategyNames.includes(strategy)) throw new VpmuLabError(`--strategy: unknown strategy "${strategy}"; valid strategies: ${strategyNames.join(', ')}`);
  const json = args.flags.has('json');
  const quiet = args.flags.has('quiet') || json;
  const result = await explore(spec, scenario, {
    strategy,
    runs: intFlag(args, 'runs', d.runs, 0, 1e9),
    seed: intFlag(args, 'seed', d.seed, 0, 2 ** 31 - 1),
    depth: intFlag(args, 'depth', d.depth, 1, 20),
    maxPreemptions: intFlag(args, 'max-preemptions', d.maxPreemptions, 0, 100),
    budgetMs: intFlag(args, 'budget', d.budgetMs, 1, 24 * 3600 * 1000),
    maxSteps: intFlag(args, 'max-steps', d.maxSteps, 1, 1e9),
    keepGoing: args.flags.has('keep-going'),
    shrinkMs: intFlag(args, 'shrink-budget', d.shrinkMs, 0, 3600 * 1000),
    outDir: stringFlag(args, 'out') ?? d.outDir,
    signal: ctx.signal,
    onProgress: quiet ? undefined : (p) => process.stderr.write(`${(p.elapsedMs / 1000).toFixed(1)}s  ${p.runs} executions, ${p.steps} steps, ${p.failures} failures\n`),
  });
  if (json) console.log(toJson(result));
  else console.log(formatExplore(result));
  if (result.interrupted) return signalExitCode(ctx.signal.reason);
  return result.verdict === 'SUCCESS' ? 0 : 1;
}

/** 79 µs, 12.3 ms, 1.52 s. */
function duration(ns: number): string {
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

function formatExplore(r: ExploreResult): string {
  const wallNs = r.wallMs * 1e6;
  const out = [
    `explore ${r.scenario} — strategy ${r.strategy}, build ${r.build}${r.interrupted ? ' — INTERRUPTED' : ''}`,
    `${r.runs} executions, ${r.steps} steps, ${r.migrations} injected migrations in ${duration(wallNs)} (${(r.stepsPerSecond / 1e6).toFixed(2)} M steps/s); ` +
      `simulated ${duration(r.virtualNs)} of virtual time (${wallNs > 0 ? (r.virtualNs / wallNs).toPrecision(2) : '-'}× wall clock)`,
    ...r.summary,
  ];
  r.failures.forEach((f, i) => {
    out.push(
      '',
      `failure ${i + 1}: ${f.oracle} — ${f.reason}`,
      `  seed ${f.seed}, trace ${f.traceHash}, ${f.steps} steps, ${f.migrations} injected migrations; replayed once: identical`,
      `  replay: vpmu-lab replay ${f.replayFile}`,
    );
    if (f.minimal) {
      const m = f.minimal;
      out.push(
        `  ${m.locallyMinimal ? 'minimal' : 'shrunk (budget reached before it was minimal)'}: ${m.preemptions} preemptions, ${m.migrations} injected migrations ` +
          `(${m.switches} scheduling choices, ${m.steps} steps, trace ${m.traceHash})`,
        `  replay the minimal schedule and its timeline: vpmu-lab replay ${m.replayFile}`,
      );
    }
  });
  const first = r.failures[0];
  out.push('', first ? `FAILURE: ${first.oracle} — ${first.reason}` : r.interrupted ? 'SUCCESS (interrupted: of the executions that ran)' : 'SUCCESS');
  return out.join('\n');
}
