/**
 * `vpmu-lab compare SCENARIO --designs A,B[,…]`: the same scenario and seeds under each
 * locking design of one axis (src/kvm/designs.ts), every repetition a run on real workers;
 * one table of medians with min–max and ratios to the first design
 * (src/compare/compare-format.ts), or one JSON document (`--json`: report/comparison.ts's
 * `Comparison`), and with `--html FILE` the page with its charts. Exit: 0 every repetition
 * passed, 1 some repetition FAILED (an oracle, a crash — listed under the table), 2 bad
 * input, 130/143 on a signal.
 */
import { resolve } from 'node:path';
import { formatComparison } from '../compare/compare-format.js';
import { ComparisonInterrupted, resolveComparison, runComparison, type CompareProgress } from '../compare/compare-run.js';
import type { RunSnapshot } from '../engine/run-handle.js';
import { ratesBetween } from '../engine/run-meter.js';
import { VpmuLabError } from '../host/errors.js';
import { designOf } from '../kvm/designs.js';
import { writeComparisonHtml } from '../report/html.js';
import { formatCount } from '../report/units.js';
import { intFlag, stringFlag, toJson, type ParsedArgs } from './args.js';
import type { CommandContext } from './help.js';
import { signalExitCode } from './run-command.js';
import { checkWritable } from './output-path.js';
import { scenarioFromArgs } from './scenario-arg.js';

/** Default warm-up: the ping-pong scenarios here reach their steady rate only in their third second. */
export const DEFAULT_WARMUP_MS = 3000;

export async function compareCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const names = args.lists.get('designs');
  if (!names) throw new VpmuLabError("--designs A,B[,…] is required (see 'vpmu-lab designs')");
  const designs = names.map(designOf);
  const { spec } = scenarioFromArgs(args);
  const path = args.positionals[0]!;
  const repeat = intFlag(args, 'repeat', 3, 1, 1000);
  const seed = intFlag(args, 'seed', 1, 0, 2 ** 31 - 1000);
  const jobs = intFlag(args, 'jobs', 1, 1, 64);
  const warmupMs = intFlag(args, 'warmup', DEFAULT_WARMUP_MS, 0, 3600 * 1000);
  const html = stringFlag(args, 'html');
  if (html) checkWritable('html', html);
  const resolved = resolveComparison(spec, path, designs, warmupMs); // bad input ends here, before any run
  const { base } = resolved;
  const live = !args.flags.has('quiet');
  const tty = process.stderr.isTTY === true;
  const total = repeat * designs.length;
  if (live) {
    process.stderr.write(
      `compare ${spec.name}: ${designs.map((d) => d.name).join(' vs ')} (${designs[0]!.axis}), ${repeat} repetition${repeat === 1 ? '' : 's'} each: ${total} runs of ${base.durationMs} ms (${warmupMs} ms warm-up)\n`,
    );
  }
  let comparison;
  try {
    comparison = await runComparison(resolved, path, {
      designs,
      repeat,
      seed,
      jobs,
      warmupMs,
      signal: ctx.signal,
      runOptions: runOptionsOf(args),
      // Live figures of the running repetition on a terminal; one line per finished run otherwise.
      liveMs: 500,
      onProgress: live ? (p) => progress(p, tty) : undefined,
    });
  } catch (e) {
    if (!(e instanceof ComparisonInterrupted)) throw e;
    if (tty) process.stderr.write('\n');
    console.error(`vpmu-lab compare: ${e.message}`);
    return signalExitCode(ctx.signal.reason);
  }
  if (live && tty) process.stderr.write('\r\x1b[2K');
  console.log(args.flags.has('json') ? toJson(comparison) : formatComparison(comparison));
  if (html) {
    writeComparisonHtml(html, comparison);
    process.stderr.write(`wrote the HTML report to ${resolve(html)}\n`);
  }
  return comparison.designs.some((d) => d.failedRepetitions > 0) ? 1 : 0;
}

function progress(p: CompareProgress, tty: boolean): void {
  if (p.live && !tty) return;
  const line = p.live
    ? `  run ${p.done + 1}/${p.total}: ${p.design}, seed ${p.seed} — ${formatSnapshot(p.live)}`
    : `  ${p.done}/${p.total} runs: ${p.design}, seed ${p.seed} ${p.verdict ?? ''}`.trimEnd();
  process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
}

const NOTHING_YET = { loads: 0, migrations: 0, guestAccesses: 0, ioctls: 0 };

function formatSnapshot(s: RunSnapshot): string {
  if (s.phase === 'starting') return 'starting its workers…';
  const r = ratesBetween(NOTHING_YET, s.totals, s.elapsedMs);
  return `${(s.elapsedMs / 1000).toFixed(1)} s, ${formatCount(r.loads)} loads/s, ${formatCount(r.migrations)} migrations/s, ${formatCount(r.guestAccesses)} accesses/s`;
}

/** The options given that `run` takes too, as they were written (for rerun commands). */
function runOptionsOf(args: ParsedArgs): string[] {
  const out: string[] = [];
  for (const name of ['profile', 'policy', 'quanta']) {
    const v = stringFlag(args, name);
    if (v !== undefined) out.push(`--${name} ${v}`);
  }
  for (const name of ['bug', 'no-oracle']) for (const v of args.lists.get(name) ?? []) out.push(`--${name} ${v}`);
  return out;
}
