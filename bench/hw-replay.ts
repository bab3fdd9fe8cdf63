/**
 * `npm run bench:hw-replay`: how many failures of runs on real workers replay in the sim
 * (the hw-to-sim issue's target: "at least 90% of hw failures replay in sim"). Each
 * failing configuration runs `--runs` times on workers in record mode (`vpmu-lab run
 * --record`: every seam step logged, rr-style), one placement seed a run; every log is
 * written to a temp dir and followed in the sim driver (`vpmu-lab replay --from-hw`). A run
 * replays when the sim followed every logged step and reached the hw run's verdict and
 * oracle. Figures, not a pass/fail test: whether a run on workers fails at all is up to
 * the machine. `--quick` is a tiny run, `--runs N` the runs per configuration,
 * `--duration MS` each run's length, `--json` one line of figures on stdout, `--keep`
 * leaves the logs (and the sim schedules written beside them) in the temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verdictOf } from '../src/check/verdict.js';
import { formatTable } from '../src/cli/table.js';
import { builtinScenarios } from '../src/engine/builtin-scenarios.js';
import { runScenario, type HwStepLog } from '../src/engine/coordinator.js';
import { HW_TRAP_BATCH } from '../src/engine/pcpu-loop.js';
import { resolveScenario, type Scenario, type ScenarioSpec } from '../src/engine/scenario.js';
import { buildId } from '../src/explore/build-id.js';
import { replayFromHw } from '../src/explore/from-hw.js';
import { HW_LOG_FORMAT, writeHwLog } from '../src/explore/hw-log.js';

/** The share of hw failures that must replay in sim (the issue's target). */
const TARGET = 0.9;
/** Ring size per thread in record mode, as `vpmu-lab run --record` (run-command.ts). */
const RECORD_EVENTS_PER_THREAD = 1 << 20;

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
function intOption(name: string, dflt: number, min: number, max: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`bench:hw-replay: --${name} expects an integer in ${min}..${max}, got ${argv[i + 1] ?? 'nothing'}\n`);
    process.exit(2);
  }
  return n;
}
const quick = flags.has('--quick');
const json = flags.has('--json');
const RUNS = intOption('runs', quick ? 3 : 20, 1, 10_000);
const DURATION_MS = intOption('duration', quick ? 100 : 200, 1, 60_000);

interface Config {
  readonly label: string;
  readonly spec: ScenarioSpec;
  /** Resolved once; a run only changes its placement seed. */
  readonly scenario: Scenario;
}

/**
 * The configurations whose runs fail on workers: mainline's item 13 race (a guest UNDEF), two
 * planted bugs (an oracle violation in a VMM thread, a reclaimed read in a pCPU) and the
 * flagship's guest crash.
 */
function configs(): Config[] {
  const make = (label: string, name: string, over: Partial<ScenarioSpec>): Config => {
    const spec: ScenarioSpec = { ...builtinScenarios[name]!, ...over, durationMs: DURATION_MS };
    return { label, spec, scenario: resolveScenario(spec, `scenario ${name}`) };
  };
  return [
    make('config-race --bug config-after-run', 'config-race', { bugs: ['config-after-run'] }),
    make('nr-counters-race', 'nr-counters-race', { profile: 'mainline' }),
    make('pmu-list-race --bug free-before-grace-period', 'pmu-list-race', { bugs: ['free-before-grace-period'] }),
    make('flagship', 'flagship', {}),
  ];
}

interface Tally {
  readonly label: string;
  runs: number;
  /** Runs the sim followed to the same verdict and oracle. */
  reproduced: number;
  failures: number;
  failuresReproduced: number;
  /** hw failures by oracle: [failures, reproduced]. */
  readonly byOracle: Map<string, [number, number]>;
  /** The sim could not follow a logged step. */
  divergences: number;
  /** Followed every step, but ended with another verdict or oracle. */
  mismatches: number;
  /** The log could not be replayed at all (rings overflowed, a bad log). */
  errors: number;
  hwMs: number;
  simMs: number;
  /** A few notes on what did not replay, for the reader. */
  readonly notes: string[];
}

const MAX_NOTES = 3;

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vpmu-hw-replay-'));
  const stop = new AbortController();
  const onSignal = () => stop.abort('SIGINT');
  process.once('SIGINT', onSignal);
  const say = (m: string) => {
    if (!json) process.stderr.write(`${m}\n`);
  };
  const tty = !json && process.stderr.isTTY === true;
  const t0 = performance.now();
  const tallies: Tally[] = [];
  buildId(); // hashed once, up front, not inside the first run's figures
  try {
    for (const c of configs()) {
      const t: Tally = { label: c.label, runs: 0, reproduced: 0, failures: 0, failuresReproduced: 0, byOracle: new Map(), divergences: 0, mismatches: 0, errors: 0, hwMs: 0, simMs: 0, notes: [] };
      tallies.push(t);
      for (let i = 0; i < RUNS && !stop.signal.aborted; i++) {
        const seed = i + 1;
        const file = join(dir, `${c.spec.name}-${(c.spec.bugs ?? []).join('+') || 'clean'}-${seed}.json`);
        let log: HwStepLog | undefined;
        const h0 = performance.now();
        const report = await runScenario({ ...c.scenario, seed }, { signal: stop.signal, record: { eventsPerThread: RECORD_EVENTS_PER_THREAD, onLog: (l) => (log = l) } });
        t.hwMs += performance.now() - h0;
        if (report.interrupted || !log) break;
        const v = verdictOf(report);
        writeHwLog(file, {
          format: HW_LOG_FORMAT,
          build: buildId(),
          scenario: { ...c.spec, scheduler: { ...c.spec.scheduler, seed } },
          seed,
          trapEvery: HW_TRAP_BATCH,
          verdict: v.verdict,
          ...(v.oracle ? { oracle: v.oracle } : {}),
          log,
        });
        t.runs++;
        const failed = v.verdict === 'FAILURE';
        const oracle = v.oracle ?? 'SUCCESS';
        if (failed) {
          t.failures++;
          const o = t.byOracle.get(oracle) ?? [0, 0];
          o[0]++;
          t.byOracle.set(oracle, o);
        }
        let ok = false;
        let note: string | undefined;
        const s0 = performance.now();
        try {
          const r = replayFromHw(file);
          ok = r.reproduced;
          if (r.divergence) {
            t.divergences++;
            note = `seed ${seed} (hw ${oracle}): diverged at step ${r.divergence.step} of ${r.logSteps}: ${r.divergence.reason}`;
          } else if (!ok) {
            t.mismatches++;
            note = `seed ${seed}: hw ${oracle}, sim ${r.execution.verdict.oracle ?? r.execution.verdict.verdict} after following all ${r.logSteps} steps`;
          }
        } catch (e) {
          t.errors++;
          note = `seed ${seed} (hw ${oracle}): not replayable: ${(e as Error).message}`;
        }
        t.simMs += performance.now() - s0;
        if (note && failed && v.reason) note += ` — hw: ${v.reason}`;
        if (note && t.notes.length < MAX_NOTES) t.notes.push(note);
        if (ok) {
          t.reproduced++;
          if (failed) {
            t.failuresReproduced++;
            t.byOracle.get(oracle)![1]++;
          }
        }
        if (tty) process.stderr.write(`\r\x1b[2K${c.label}: run ${i + 1}/${RUNS} — hw ${oracle}, sim ${ok ? 'reproduced' : 'NOT reproduced'}`);
      }
      if (tty) process.stderr.write('\r\x1b[2K');
      say(`${c.label}: ${t.runs} runs, ${t.failures} hw failures, ${t.reproduced} reproduced in sim`);
      if (stop.signal.aborted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    if (flags.has('--keep')) say(`logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const totalMs = performance.now() - t0;
  const sum = (f: (t: Tally) => number) => tallies.reduce((a, t) => a + f(t), 0);
  const failures = sum((t) => t.failures);
  const failuresReproduced = sum((t) => t.failuresReproduced);
  const runs = sum((t) => t.runs);
  const reproduced = sum((t) => t.reproduced);
  const share = (x: number, y: number) => (y === 0 ? null : x / y);
  const failShare = share(failuresReproduced, failures);
  const met = failShare !== null && failShare >= TARGET;
  const interrupted = stop.signal.aborted;

  if (json) {
    console.log(
      JSON.stringify({
        runsPerConfig: RUNS,
        durationMs: DURATION_MS,
        ...(interrupted ? { interrupted: true } : {}),
        configs: tallies.map((t) => ({
          name: t.label,
          hwRuns: t.runs,
          hwFailures: t.failures,
          byOracle: Object.fromEntries([...t.byOracle].map(([o, [n, r]]) => [o, { failures: n, reproduced: r }])),
          failuresReproduced: t.failuresReproduced,
          reproduced: t.reproduced,
          divergences: t.divergences,
          mismatches: t.mismatches,
          errors: t.errors,
          hwMs: Math.round(t.hwMs),
          simMs: Math.round(t.simMs),
          ...(t.notes.length > 0 ? { notes: t.notes } : {}),
        })),
        failures: { replayed: failuresReproduced, total: failures, share: failShare, target: TARGET, met },
        all: { replayed: reproduced, total: runs, share: share(reproduced, runs) },
        totalMs: Math.round(totalMs),
      }),
    );
    return interrupted ? 130 : 0;
  }
  const pct = (x: number, y: number) => (y === 0 ? 'n/a' : `${((100 * x) / y).toFixed(1)}%`);
  const oracles = (t: Tally) => (t.failures === 0 ? '0' : `${t.failures} (${[...t.byOracle].map(([o, [n]]) => `${o} ${n}`).join(', ')})`);
  const reproducedByOracle = (t: Tally) => (t.failures === 0 ? '-' : `${t.failuresReproduced} of ${t.failures}` + (t.byOracle.size > 1 ? ` (${[...t.byOracle].map(([o, [n, r]]) => `${o} ${r}/${n}`).join(', ')})` : ''));
  console.log(
    [
      `hw runs recorded on workers and replayed in sim: ${RUNS} runs a configuration, ${DURATION_MS} ms each (seeds 1..${RUNS})${interrupted ? ' — INTERRUPTED, partial figures' : ''}`,
      '',
      formatTable(
        ['configuration', 'hw runs', 'hw failures (by oracle)', 'failures reproduced in sim', 'divergences', 'other mismatches', 'all runs reproduced', 'hw ms', 'sim ms'],
        tallies.map((t) => [
          t.label,
          String(t.runs),
          oracles(t),
          reproducedByOracle(t),
          String(t.divergences),
          String(t.mismatches + t.errors),
          `${t.reproduced} of ${t.runs}`,
          t.hwMs.toFixed(0),
          t.simMs.toFixed(0),
        ]),
      ),
      '',
      ...tallies.flatMap((t) => t.notes.map((n) => `${t.label}: ${n}`)),
      ...(tallies.some((t) => t.notes.length > 0) ? [''] : []),
      `hw failures replayed in sim: ${failuresReproduced} of ${failures} (${pct(failuresReproduced, failures)}) — target ≥ ${TARGET * 100}%: ${met ? 'met' : failures === 0 ? 'missed (no hw failures to replay)' : 'missed'}`,
      `all hw runs replayed in sim: ${reproduced} of ${runs} (${pct(reproduced, runs)})`,
      ...tallies.filter((t) => t.runs > 0 && t.failures === 0).map((t) => `note: ${t.label} never failed on workers in ${t.runs} runs`),
      `(${(totalMs / 1000).toFixed(1)} s in all)`,
    ].join('\n'),
  );
  return interrupted ? 130 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench:hw-replay: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
