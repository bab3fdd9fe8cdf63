/**
 * `npm run bench:campaign`: campaign throughput of `vpmu-lab explore` — executions/s and
 * steps/s of the search, all workers together, pool start-up and JIT warm-up included —
 * with 1 worker (the process's own thread) and 2 workers (a piscina pool) over the same
 * campaign (same seed, same run count: the same executions, checked), each repetition a
 * fresh process as a user runs it, median [min–max] over `--reps` repetitions, 1 and 2
 * workers interleaved so that the machine's noise falls on both. The scaling is the
 * 2-worker median over the 1-worker median; issue 7's target is ≥ 1.8×.
 *
 * The floor (DESIGN principle 6), measured in the same run: the same campaign as two shards
 * in two separate processes at once, one thread each, no pool — what this machine gives two
 * independent copies of this workload. Pool scaling near the floor means the pool costs
 * nothing; a floor below the target means the machine, not the pool, misses it.
 *
 * Figures, not a pass/fail test. `--quick`: one small configuration (CI), `--reps N`,
 * `--json`: one line of figures on stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/table.js';
import { buildId } from '../src/explore/build-id.js';

const TARGET = 1.8;

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const repsAt = argv.indexOf('--reps');
const REPS = repsAt < 0 ? 5 : Number(argv[repsAt + 1]);
if (!Number.isInteger(REPS) || REPS < 1 || REPS > 100) {
  process.stderr.write(`bench:campaign: --reps expects an integer in 1..100, got ${argv[repsAt + 1] ?? 'nothing'}\n`);
  process.exit(2);
}

interface Config {
  readonly label: string;
  /** CLI arguments naming the scenario. */
  readonly args: readonly string[];
  /** Executions a repetition. */
  readonly runs: number;
}

/** Clean configurations (no failure ends a campaign early): every repetition runs every execution. */
function configs(): Config[] {
  const make = (name: string, flag: string, value: string, runs: number): Config => ({ label: `${name} ${flag} ${value}`, args: [name, flag, value], runs });
  // Full: about 8 s a 1-worker repetition, so that the threads' start-up and JIT warm-up
  // (paid again by every worker) weigh little. Quick: a smoke run whose figures are mostly warm-up.
  const all = [make('pmu-list-race', '--design', 'rcu', quick ? 1000 : 24_000), make('nr-counters-race', '--profile', 'fixed-counters-only', 24_000)];
  return quick ? all.slice(0, 1) : all;
}

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const stats = (xs: readonly number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, min: s[0]!, max: s.at(-1)! };
};

const outDir = mkdtempSync(join(tmpdir(), 'vpmu-bench-campaign-'));
const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** The campaign's figures as the CLI reports them (`explore --json`; a shard's summary line). */
interface Run {
  readonly runs: number;
  readonly steps: number;
  readonly searchMs: number;
  readonly virtualNs?: number;
}

/**
 * One campaign in a fresh `vpmu-lab explore` process, as a user runs it: with 1 worker as
 * with 2, the search pays its own JIT warm-up (and the pool its threads' start-up).
 */
function cli(c: Config, extra: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = [main, 'explore', ...c.args, '--strategy', 'pct', '--seed', '1', '--runs', String(c.runs), '--budget', '600000', '--keep-going', '--shrink-budget', '0', '--out', outDir, '--json', ...extra];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        // A shard prints JSON lines, its summary last; a whole campaign one JSON object.
        const sharded = extra.includes('--shard');
        resolve(JSON.parse(sharded ? out.trimEnd().split('\n').at(-1)! : out) as Run);
      } catch (e) {
        reject(new Error(`vpmu-lab ${args.slice(1).join(' ')} exited ${code}: ${(e as Error).message}`));
      }
    });
  });
}

const perSecond = (n: number, ms: number) => (n * 1000) / ms;

interface Figures {
  readonly config: string;
  readonly runs: number;
  readonly sameExecutions: boolean;
  readonly one: { executionsPerSecond: Stats; stepsPerSecond: Stats };
  readonly two: { executionsPerSecond: Stats; stepsPerSecond: Stats };
  readonly scaling: number;
  readonly floor: { executionsPerSecond: Stats; scaling: number };
}

async function measure(c: Config): Promise<Figures> {
  const say = (m: string) => {
    if (!json) process.stderr.write(`${m}\n`);
  };
  const runs: Record<1 | 2, Run[]> = { 1: [], 2: [] };
  for (let r = 0; r < REPS; r++) {
    for (const w of [1, 2] as const) {
      const x = await cli(c, ['--workers', String(w)]);
      runs[w].push(x);
      say(`  ${c.label}: rep ${r + 1}/${REPS}, ${w} worker${w > 1 ? 's' : ''}: ${perSecond(x.runs, x.searchMs).toFixed(0)} executions/s`);
    }
  }
  const floor: number[] = [];
  for (let r = 0; r < Math.max(3, Math.ceil(REPS / 2)); r++) {
    const [a, b] = await Promise.all([0, 1].map((i) => cli(c, ['--workers', '1', '--shard', `${i}/2`])));
    floor.push(perSecond(a!.runs + b!.runs, Math.max(a!.searchMs, b!.searchMs)));
    say(`  ${c.label}: floor rep ${r + 1}, two processes: ${floor.at(-1)!.toFixed(0)} executions/s`);
  }
  const all = [...runs[1], ...runs[2]];
  const figure = (xs: Run[]) => ({ executionsPerSecond: stats(xs.map((x) => perSecond(x.runs, x.searchMs))), stepsPerSecond: stats(xs.map((x) => perSecond(x.steps, x.searchMs))) });
  const one = figure(runs[1]);
  const two = figure(runs[2]);
  const floorStats = stats(floor);
  return {
    config: c.label,
    runs: c.runs,
    sameExecutions: all.every((x) => x.runs === c.runs && x.steps === all[0]!.steps && x.virtualNs === all[0]!.virtualNs),
    one,
    two,
    scaling: two.executionsPerSecond.median / one.executionsPerSecond.median,
    floor: { executionsPerSecond: floorStats, scaling: floorStats.median / one.executionsPerSecond.median },
  };
}

const range = (s: Stats, digits = 0) => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
const millions = (s: Stats) => range({ median: s.median / 1e6, min: s.min / 1e6, max: s.max / 1e6 }, 2);

async function run(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const figures: Figures[] = [];
  try {
    for (const c of configs()) figures.push(await measure(c));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const met = figures.every((f) => f.scaling >= TARGET);
  // Other work on the machine skews both worker counts: say how busy it was.
  const load = { before: loadBefore, after: loadavg()[0]! };
  if (json) {
    console.log(JSON.stringify({ target: TARGET, met, reps: REPS, load, figures }));
    return;
  }
  console.log(`campaign throughput, pct, seed 1, each repetition a fresh 'vpmu-lab explore' process; median [min–max] of ${REPS} repetitions; build ${buildId()}`);
  console.log(
    formatTable(
      ['configuration', 'executions', 'workers', 'executions/s', 'M steps/s'],
      figures.flatMap((f) => [
        [f.config, String(f.runs), '1', range(f.one.executionsPerSecond), millions(f.one.stepsPerSecond)],
        ['', '', '2', range(f.two.executionsPerSecond), millions(f.two.stepsPerSecond)],
        ['', '', 'floor: 2 processes', range(f.floor.executionsPerSecond), ''],
      ]),
    ),
  );
  for (const f of figures) {
    console.log(
      `${f.config}: scaling 1 → 2 workers ${f.scaling.toFixed(2)}× (target ≥ ${TARGET}×: ${f.scaling >= TARGET ? 'met' : 'missed'}); ` +
        `floor, two separate processes: ${f.floor.scaling.toFixed(2)}×; same executions with 1 and 2 workers: ${f.sameExecutions ? 'yes' : 'NO'}`,
    );
  }
  console.log(`load average (1 min) ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after, on ${availableParallelism()} cores`);
}

await run();
