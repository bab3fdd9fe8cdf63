/**
 * `vpmu-lab explore SCENARIO|FILE.json`: the scenario under the sim driver, execution after
 * execution, a strategy picking every step (src/explore), on this thread or a pool of
 * workers (--workers), the whole campaign or one shard of it (--shard). Text or one JSON
 * object (API.md "Exploration"); it ends with the verdict line. A shard also writes JSON
 * lines for `vpmu-lab merge` (src/explore/shard-file.ts). Exit: 0 SUCCESS, 1 FAILURE,
 * 2 bad input, 130/143 on SIGINT/SIGTERM after the partial report.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { formatCycle } from '../check/lockdep.js';
import { formatLockStat } from '../engine/report-format.js';
import { parseShard } from '../explore/campaign-plan.js';
import { exploreCampaign, exploreDefaults, strategyNames, type ExploreResult, type StrategyName } from '../explore/explore.js';
import { shardText } from '../explore/shard-file.js';
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
  const shardArg = stringFlag(args, 'shard');
  const shard = shardArg === undefined ? undefined : parseShard(shardArg);
  if (shardArg !== undefined && !shard) throw new VpmuLabError(`--shard: expected i/N with 0 ≤ i < N (N ≤ 100000), got ${JSON.stringify(shardArg)}`);
  if (shard && strategy === 'dfs') throw new VpmuLabError('--shard: dfs cannot be sharded: each of its executions depends on the one before (use random or pct)');
  const shardOut = stringFlag(args, 'shard-out');
  if (shardOut !== undefined && !shard) throw new VpmuLabError('--shard-out: only with --shard i/N');
  if (shard && shardOut === undefined && !json) throw new VpmuLabError('--shard: say where its JSON lines go: --shard-out FILE, or --json for stdout');
  // Before the campaign, so that a bad path does not cost a whole search.
  if (shardOut !== undefined) writeOrFail(shardOut, '');
  const runs = intFlag(args, 'runs', d.runs, 0, 1e9);
  const campaign = await exploreCampaign(spec, scenario, {
    strategy,
    runs,
    seed: intFlag(args, 'seed', d.seed, 0, 2 ** 31 - 1),
    depth: intFlag(args, 'depth', d.depth, 1, 20),
    maxPreemptions: intFlag(args, 'max-preemptions', d.maxPreemptions, 0, 100),
    budgetMs: intFlag(args, 'budget', d.budgetMs, 1, 24 * 3600 * 1000),
    maxSteps: intFlag(args, 'max-steps', d.maxSteps, 1, 1e9),
    keepGoing: args.flags.has('keep-going'),
    shrinkMs: intFlag(args, 'shrink-budget', d.shrinkMs, 0, 3600 * 1000),
    outDir: stringFlag(args, 'out') ?? d.outDir,
    workers: intFlag(args, 'workers', availableParallelism(), 1, 256),
    ...(shard ? { shard } : {}),
    signal: ctx.signal,
    onProgress: quiet ? undefined : (p) => process.stderr.write(`${(p.elapsedMs / 1000).toFixed(1)}s  ${p.runs} executions, ${p.steps} steps, ${p.failures} failures\n`),
  });
  const result = campaign.result;
  if (shard) {
    const lines = shardText(campaign, spec, runs);
    if (shardOut !== undefined) writeOrFail(shardOut, lines);
    else process.stdout.write(lines);
  }
  if (!(shard && shardOut === undefined)) console.log(json ? toJson(result) : formatExplore(result));
  if (result.interrupted) return signalExitCode(ctx.signal.reason);
  return result.verdict === 'SUCCESS' ? 0 : 1;
}

function writeOrFail(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new VpmuLabError(`--shard-out: cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

/** 1.52 M, 12.3 k, 564. */
function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return String(Math.round(perSecond));
}

/** 79 µs, 12.3 ms, 1.52 s. */
function duration(ns: number): string {
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

/**
 * The campaign's lockdep graph: its class dependencies, each with the first seed that
 * produced it, and every cycle with both chains (check/lockdep.ts formatCycle).
 */
function formatCampaignLockdep(r: ExploreResult): string[] {
  const { edges, cycles } = r.lockdep;
  const head = `lockdep over the ${r.runs} executions: ${edges.length} class dependenc${edges.length === 1 ? 'y' : 'ies'} (${edges.map((e) => `${e.from} → ${e.to}`).join(', ') || 'none'}), ${cycles.length === 0 ? 'no cycle' : `${cycles.length} cycle${cycles.length === 1 ? '' : 's'}`}`;
  return [head, ...cycles.flatMap((c) => formatCycle(c).map((l) => `  ${l}`))];
}

/** The text report of a campaign: explore's, and merge's of its shards. */
export function formatExplore(r: ExploreResult): string {
  const wallNs = r.wallMs * 1e6;
  const where = [r.shard ? `shard ${r.shard.index}/${r.shard.count}` : '', r.shards ? `merged from ${r.shards} shards` : ''].filter((x) => x !== '');
  const workers = `${r.workers} worker${r.workers === 1 ? '' : 's'}`;
  const rates = `${r.strategy === 'dfs' ? 'dfs is sequential; ' : ''}${r.executionsPerSecond} executions/s, ${rate(r.stepsPerSecond)} steps/s`;
  const out = [
    `explore ${r.scenario} — strategy ${r.strategy}, build ${r.build}${where.map((w) => `, ${w}`).join('')}${r.interrupted ? ' — INTERRUPTED' : ''}`,
    `${r.runs} executions, ${r.steps} steps, ${r.migrations} injected migrations in ${duration(wallNs)} on ${workers} (${rates}); ` +
      `simulated ${duration(r.virtualNs)} of virtual time (${wallNs > 0 ? (r.virtualNs / wallNs).toPrecision(2) : '-'}× wall clock)`,
    ...(r.discarded > 0 ? [`${r.discarded} execution${r.discarded === 1 ? '' : 's'} after the first failure ran on other workers and ${r.discarded === 1 ? 'is' : 'are'} not counted`] : []),
    ...r.summary,
  ];
  r.failures.forEach((f, i) => {
    out.push(
      '',
      `failure ${i + 1}: ${f.oracle} — ${f.reason}`,
      `  execution ${f.index}, seed ${f.seed}, trace ${f.traceHash}, ${f.steps} steps, ${f.migrations} injected migrations; replayed once: ${f.oracle === 'uncontrolled-nondeterminism' ? 'diverged' : 'identical'}`,
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
  out.push('', ...formatLockStat(r.lockStat, 'virtual ns'), ...formatCampaignLockdep(r));
  const first = r.failures[0];
  const acrossRuns = r.lockdep.cycles.find((c) => c.acrossRuns);
  out.push(
    '',
    first
      ? `FAILURE: ${first.oracle} — ${first.reason}`
      : acrossRuns
        ? `FAILURE: ${acrossRuns.rcu ? 'rcu-synchronize-under-reader-lock' : 'lock-order'} — lockdep: ${formatCycle(acrossRuns)[0]}`
        : r.interrupted
          ? 'SUCCESS (interrupted: of the executions that ran)'
          : 'SUCCESS',
  );
  return out.join('\n');
}
