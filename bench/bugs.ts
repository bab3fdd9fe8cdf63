/**
 * `npm run bench:bugs`: time to find each planted bug of the catalog (src/check/bugs.ts).
 * For every bug and each strategy — sim random, sim PCT (depth 3), hw stress (runs on real
 * workers, a new placement seed each) — the wall time and executions to the first failure
 * with the bug's oracle, in the bug's own scenario, for `--seeds` campaign seeds: median
 * (min–max). Then the clean model (no bug) under the same budget in each of those
 * scenarios: it must fail nowhere (no false alarms). The issue's goals are printed with
 * met / missed: every bug found within 60 s by at least one strategy; most by sim PCT in
 * under 5 s. A benchmark, not a timed test: figures depend on the machine.
 *
 * Prints a table, then the same figures as one JSON line. Options: `--quick` (CI: a few
 * bugs, 2 seeds, small budgets; exits 1 if one is not found or the clean model fails),
 * `--seeds N`, `--budget MS` (per search), `--bugs a,b`, `--strategies random,pct,hw`,
 * `--json` (only the JSON line on stdout).
 */
import { bugCatalog, type PlantedBug } from '../src/check/bugs.js';
import { verdictOf } from '../src/check/verdict.js';
import { formatTable } from '../src/cli/table.js';
import { median } from '../src/report/spread.js';
import { builtinScenarios } from '../src/engine/builtin-scenarios.js';
import { runScenario } from '../src/engine/coordinator.js';
import { resolveScenario, type Scenario } from '../src/engine/scenario.js';
import { runExecution } from '../src/explore/execution.js';
import { PctStrategy } from '../src/explore/strategies/pct.js';
import { RandomStrategy } from '../src/explore/strategies/random.js';
import type { Strategy } from '../src/explore/strategy.js';

const STRATEGIES = ['random', 'pct', 'hw'] as const;
type StrategyName = (typeof STRATEGIES)[number];
const LABEL: Record<StrategyName, string> = { random: 'sim random', pct: 'sim PCT', hw: 'hw stress' };

/** Bugs the quick (CI) run covers: model races, a hw-deterministic one, and whichever design bugs exist. */
const QUICK_BUGS = ['config-after-run', 'reset-keeps-stale-events', 'no-per-load-check', 'overflow-at-64-bits', 'nr-counters-not-frozen'];
const GOAL_ANY_MS = 60_000;
const GOAL_PCT_MS = 5_000;

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? undefined : argv[i + 1];
}
function fail(message: string): never {
  process.stderr.write(`bench:bugs: ${message}\n`);
  process.exit(2);
}
function intOption(name: string, dflt: number, min: number, max: number): number {
  const raw = option(name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} expects an integer in ${min}..${max}, got ${raw}`);
  return n;
}
function listOption<T extends string>(name: string, valid: readonly T[], dflt: readonly T[]): T[] {
  const raw = option(name);
  if (raw === undefined) return [...dflt];
  const got = raw.split(',').filter((x) => x !== '');
  for (const g of got) if (!valid.includes(g as T)) fail(`--${name}: unknown ${JSON.stringify(g)}; valid: ${valid.join(', ')}`);
  return got as T[];
}

const quick = argv.includes('--quick');
const json = argv.includes('--json');
const SEEDS = intOption('seeds', quick ? 2 : 5, 1, 100);
const BUDGET_MS = intOption('budget', quick ? 1_000 : 10_000, 100, 600_000);
const allNames = bugCatalog.map((b) => b.name);
const BUGS = listOption('bugs', allNames, quick ? QUICK_BUGS.filter((b) => allNames.includes(b)) : allNames).map((n) => bugCatalog.find((b) => b.name === n)!);
const STRATS = listOption('strategies', STRATEGIES, quick ? ['pct', 'hw'] : STRATEGIES);

interface Search {
  /** Found with the bug's oracle (a failure with another oracle is `other`). */
  readonly found: boolean;
  readonly other?: string;
  readonly runs: number;
  readonly ms: number;
}

function simStrategy(name: 'random' | 'pct', seed: number): Strategy {
  return name === 'random' ? new RandomStrategy(seed) : new PctStrategy(seed, 3);
}

/** Executions of `s` under one strategy until a failure or the budget. */
async function search(s: Scenario, strategy: StrategyName, seed: number, oracle: string | undefined): Promise<Search> {
  const t0 = performance.now();
  const sim = strategy === 'hw' ? undefined : simStrategy(strategy, seed);
  for (let runs = 1; ; runs++) {
    let verdict;
    if (sim) {
      const e = runExecution(s, sim, { maxSteps: 20_000, stopOnFailure: true });
      if (!e) return { found: false, runs: runs - 1, ms: performance.now() - t0 };
      verdict = e.verdict;
    } else {
      verdict = verdictOf(await runScenario({ ...s, seed: seed * 100_000 + runs }));
    }
    const ms = performance.now() - t0;
    if (verdict.verdict === 'FAILURE') {
      return verdict.oracle === oracle ? { found: true, runs, ms } : { found: false, other: verdict.oracle, runs, ms };
    }
    if (ms >= BUDGET_MS) return { found: false, runs, ms };
    if (sim && runs % 16 === 0) await new Promise((r) => setImmediate(r));
  }
}

function scenarioOf(name: string, bugs: string[]): Scenario {
  return resolveScenario({ ...builtinScenarios[name]!, bugs }, `scenario ${name}`);
}

/** 0.4 ms, 32 ms, 1536 ms, 12.3 s. */
const fmtMs = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

interface Figure {
  readonly bug: string;
  readonly strategy: StrategyName;
  readonly found: number;
  readonly seeds: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly medianRuns: number;
  readonly others: string[];
}

async function measureBug(bug: PlantedBug, strategy: StrategyName, say: (m: string) => void): Promise<Figure> {
  const s = scenarioOf(bug.scenario, [bug.name]);
  const results: Search[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) results.push(await search(s, strategy, seed, bug.oracle));
  const hits = results.filter((r) => r.found);
  const ms = hits.map((r) => r.ms);
  const f: Figure = {
    bug: bug.name,
    strategy,
    found: hits.length,
    seeds: SEEDS,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    medianRuns: median(hits.map((r) => r.runs)),
    others: [...new Set(results.flatMap((r) => (r.other ? [r.other] : [])))],
  };
  say(`  ${bug.name} / ${LABEL[strategy]}: found ${f.found}/${SEEDS}${f.found ? `, median ${fmtMs(f.medianMs)}, ${f.medianRuns} runs` : ''}${f.others.length ? ` (other failures: ${f.others.join(', ')})` : ''}`);
  return f;
}

async function main(): Promise<number> {
  const say = (m: string) => {
    if (!json) process.stderr.write(`${m}\n`);
  };
  say(`bench:bugs — ${BUGS.length} bugs × ${STRATS.map((s) => LABEL[s]).join(', ')}; ${SEEDS} seeds; budget ${BUDGET_MS} ms per search`);
  const figures: Figure[] = [];
  for (const bug of BUGS) for (const st of STRATS) figures.push(await measureBug(bug, st, say));

  say('clean model, same budget:');
  const clean: { scenario: string; strategy: StrategyName; runs: number; failures: number; oracle?: string }[] = [];
  for (const name of [...new Set(BUGS.map((b) => b.scenario))]) {
    for (const st of STRATS) {
      const r = await search(scenarioOf(name, []), st, 1, undefined);
      const failed = r.other !== undefined;
      clean.push({ scenario: name, strategy: st, runs: r.runs, failures: failed ? 1 : 0, ...(failed ? { oracle: r.other } : {}) });
      say(`  ${name} / ${LABEL[st]}: ${r.runs} runs, ${failed ? `FAILURE ${r.other}` : 'no failure'}`);
    }
  }

  const foundFast = (b: string, st: StrategyName, limit: number) => figures.some((f) => f.bug === b && f.strategy === st && f.found === f.seeds && f.medianMs <= limit);
  const byAny = BUGS.filter((b) => STRATS.some((st) => foundFast(b.name, st, GOAL_ANY_MS)));
  const byPct = BUGS.filter((b) => foundFast(b.name, 'pct', GOAL_PCT_MS));
  const cleanOk = clean.every((c) => c.failures === 0);
  const goals = {
    everyBugWithin60s: { found: byAny.length, of: BUGS.length, met: byAny.length === BUGS.length },
    mostBySimPctUnder5s: { found: byPct.length, of: BUGS.length, met: STRATS.includes('pct') && byPct.length * 2 > BUGS.length },
    noFalseAlarms: { met: cleanOk },
  };

  const line = JSON.stringify({ seeds: SEEDS, budgetMs: BUDGET_MS, figures, clean, goals });
  if (json) {
    console.log(line);
  } else {
    const cell = (b: string, st: StrategyName) => {
      const f = figures.find((x) => x.bug === b && x.strategy === st)!;
      if (f.found === 0) return `not found${f.others.length ? ` (${f.others[0]})` : ''}`;
      return `${fmtMs(f.medianMs)} (${fmtMs(f.minMs)}–${fmtMs(f.maxMs)}), ${f.medianRuns} runs${f.found < f.seeds ? `, ${f.found}/${f.seeds} seeds` : ''}`;
    };
    console.log(
      formatTable(
        ['bug', '§8', ...STRATS.map((s) => LABEL[s])],
        BUGS.map((b) => [b.name, b.item === undefined ? '-' : String(b.item), ...STRATS.map((st) => cell(b.name, st))]),
      ),
    );
    console.log(`\ntime (median, min–max over ${SEEDS} seeds) and executions to the first failure with the bug's oracle; budget ${BUDGET_MS} ms per search`);
    const falseAlarms = clean.filter((c) => c.failures > 0);
    console.log(`clean model: ${clean.reduce((n, c) => n + c.runs, 0)} executions in ${clean.length} (scenario, strategy) searches, ${falseAlarms.length === 0 ? 'no failure' : `FAILURES: ${falseAlarms.map((c) => `${c.scenario}/${c.strategy} ${c.oracle}`).join(', ')}`}`);
    const mark = (m: boolean) => (m ? 'met' : 'missed');
    console.log(`goal: every bug found within 60 s by at least one strategy (all seeds): ${byAny.length}/${BUGS.length} — ${mark(goals.everyBugWithin60s.met)}`);
    console.log(`goal: most bugs found by sim PCT in under 5 s (all seeds): ${byPct.length}/${BUGS.length} — ${mark(goals.mostBySimPctUnder5s.met)}`);
    console.log(`goal: no false alarm on the clean model: ${mark(cleanOk)}`);
    console.log(`\n${line}`);
  }
  // CI (--quick) asserts: each bug found by some strategy, and no false alarm.
  if (quick && (!goals.everyBugWithin60s.met || !cleanOk)) return 1;
  return 0;
}

process.exitCode = await main();
