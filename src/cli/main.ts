#!/usr/bin/env node
/**
 * The `vpmu-lab` command line. Every failure is one clear line on stderr and a non-zero
 * exit: 2 for bad input (unknown names, malformed files), 1 for an internal error.
 *
 * Each command is one entry of `commands`: its positionals, summary, options (each with its
 * one-line help — the same declaration parses the arguments and prints `--help`) and a
 * loader of its code. The code is imported only once the command runs, so `--help` is
 * instant and an interruptible command's signal handlers are in place from the start.
 */
import { VpmuLabError } from '../host/errors.js';
import { parseArgs, wantsHelp } from './args.js';
import { formatCommandHelp, formatUsage, type CommandSpec } from './help.js';

const json = { json: { help: 'print one JSON document instead of text' } } as const;
const host = (dflt: string) => ({ value: 'PRESET|FILE.json', help: `the host: a preset (see 'vpmu-lab presets') or a topology JSON file${dflt}` });

/** Options that override a scenario's own settings (`run` and `explore`; src/cli/scenario-arg.ts). */
const scenarioOptions = {
  duration: { value: 'MS', help: "the run's duration (default: the scenario's durationMs, else 2000; virtual time under explore)" },
  quanta: { value: 'N', help: "a vCPU is done after N quanta; 0 = until the run ends (default: the scenario's, else 0)" },
  policy: { value: 'P', help: "scheduler policy: pinned | round-robin | random | ping-pong (default: the scenario's, else round-robin)" },
  profile: { value: 'P', help: "kernel profile: mainline | fixed-counters-only | partition (see 'vpmu-lab profiles')" },
  design: { value: 'D', help: "a locking design (see 'vpmu-lab designs'), or rcu-no-grace-period (broken on purpose); default: the profile's" },
  'no-oracle': { value: 'NAME', repeatable: true, help: 'switch an oracle off: a model, synchronisation or lock-order oracle (repeatable; docs/oracles.md; an unknown name lists them); default all on' },
  bug: { value: 'NAME', repeatable: true, help: "plant a historical bug (repeatable, or NAME,NAME; see 'vpmu-lab bugs'); default none" },
} as const;

const commands: Readonly<Record<string, CommandSpec>> = {
  demo: {
    summary: 'the flagship demonstration: default PMU, SET_PMU, FIXED_COUNTERS_ONLY and the partitioned PMU',
    options: {
      host: host('; default rk3588'),
      quanta: { value: 'N', help: 'quanta each guest runs, ping-ponging between clusters (2..1000000; default 8)' },
      ...json,
    },
    load: async () => {
      const { demoCommand } = await import('./demo-command.js');
      return (_args, ctx) => demoCommand([...ctx.argv]);
    },
  },
  clients: {
    args: '[NAME]',
    summary: "replay a real VMM's vPMU ioctl sequence; without NAME, list the clients",
    options: {
      host: host(' (required with NAME)'),
      profile: { value: 'P', help: "kernel profile (see 'vpmu-lab profiles'); default mainline" },
      vcpus: { value: 'N', help: 'number of vCPUs (1..64; default 2)' },
      'main-cpu': { value: 'C', help: 'the pCPU the VMM main thread runs on (default 0)' },
      'vcpu-cpus': { value: 'C,C,…', help: 'the pCPU each vCPU thread runs on at INIT and first run (default: all on --main-cpu)' },
      affinity: { value: 'LIST', help: "kvmtool's --vcpu-affinity, a cpulist such as 4-7 (kvmtool only)" },
      irq: { value: 'N[,N…]', help: 'the PMU interrupt of each vCPU: one for all, or one per vCPU (default PPI 23)' },
      ...json,
    },
    load: async () => {
      const { clientsCommand } = await import('./clients-command.js');
      return (_args, ctx) => clientsCommand([...ctx.argv]);
    },
  },
  run: {
    args: 'SCENARIO|FILE.json',
    summary: 'run a scenario on real worker threads, one per pCPU and per VMM thread',
    details: [
      "SCENARIO is a built-in scenario (see 'vpmu-lab scenarios') or a scenario JSON file; the",
      "options override the scenario's own settings. A live progress line goes to stderr, the",
      'summary to stdout. Exit: 0 ran, 1 the run failed (worker crash, watchdog, hang), 2 bad',
      'input, 130 on SIGINT (Ctrl-C) and 143 on SIGTERM, after printing the partial summary;',
      'a second signal kills at once.',
    ],
    options: {
      ...scenarioOptions,
      seed: { value: 'N', help: "the placement policy's seed (default: the scenario's, else 1)" },
      record: { value: 'FILE', help: "keep every seam step of every thread; write the log to FILE (then: vpmu-lab replay --from-hw FILE)" },
      html: { value: 'FILE', help: "write a self-contained HTML report of the run: its figures, time series, lock wait and grace-period histograms (as 'compare --html')" },
      json: { help: 'print the report as one JSON object instead of the summary' },
      quiet: { help: 'no live progress line on stderr' },
    },
    interruptible: true,
    load: async () => (await import('./run-command.js')).runCommand,
  },
  explore: {
    args: 'SCENARIO|FILE.json',
    summary: "search the scenario's interleavings in sim mode (each execution in one thread, on every core): seeded, replayable, shrunk",
    details: [
      'Every pCPU and VMM thread of the scenario is a generator stepped by one strategy in one',
      'thread; every step is named by the execution seed and the choices, so a failure is a',
      "schedule file that 'vpmu-lab replay' reproduces exactly. Each failure is replayed once",
      'before it is reported (a different trace is uncontrolled nondeterminism) and shrunk to a',
      'locally minimal schedule. random and pct also inject preempt-and-migrate actions where a',
      'vCPU thread is preemptible (a guest trap, FIXED-mode event creation); dfs does not.',
      'random and pct run the executions on --workers threads (a pool, one per core by default);',
      'executions are cut into blocks of 32 by index, each block run by a strategy seeded from',
      'the campaign seed and the block, so any worker count, or --shard i/N on N machines',
      "(then 'vpmu-lab merge'), gives the same executions and failures. dfs is sequential: one",
      'worker, never sharded. See docs/campaigns.md.',
      'Exit: 0 SUCCESS, 1 FAILURE, 2 bad input, 130/143 on a signal.',
    ],
    options: {
      strategy: { value: 'S', help: 'random | pct | dfs (bounded-preemption depth-first) (default pct)' },
      runs: { value: 'N', help: 'executions at most; 0 = until the budget or the strategy runs out (default 0)' },
      seed: { value: 'S', help: 'campaign seed: execution i has a seed derived from it (default 1)' },
      depth: { value: 'D', help: 'PCT bug depth d (default 3)' },
      'max-preemptions': { value: 'K', help: 'DFS preemption bound (default 2)' },
      budget: { value: 'MS', help: 'wall-clock budget of the search (default 10000)' },
      'max-steps': { value: 'N', help: 'steps per execution before the run is stopped (default 20000)' },
      'keep-going': { help: 'keep exploring after a failure (default: stop at the first)' },
      'shrink-budget': { value: 'MS', help: 'time to shrink each failure; 0 = do not shrink (default 5000)' },
      out: { value: 'DIR', help: 'where schedule files are written (default vpmu-schedules)' },
      workers: { value: 'N', help: "threads running executions (1..256; default: the machine's cores); dfs always uses 1" },
      shard: { value: 'i/N', help: "run only shard i of N: the blocks b with b mod N = i (random and pct); see 'vpmu-lab merge'" },
      'shard-out': { value: 'FILE', help: 'with --shard: write its JSON lines to FILE (with --json and no FILE: to stdout, instead of the report)' },
      ...scenarioOptions,
      json: { help: "print one JSON object (API.md 'Exploration')" },
      quiet: { help: 'no progress lines on stderr' },
    },
    interruptible: true,
    load: async () => (await import('./explore-command.js')).exploreCommand,
  },
  compare: {
    args: 'SCENARIO|FILE.json',
    summary: 'run a scenario under several locking designs, the same seeds each, and compare their figures side by side',
    details: [
      "Each design (see 'vpmu-lab designs') is a set of profile switches applied on top of the",
      "scenario's profile, designs of one axis at a time; nothing else differs between the",
      "designs' runs. Every repetition is a run on real workers (as `run`) of --warmup + --duration",
      'ms, one at a time by default, interleaved across designs. Each figure is the median over',
      'the repetitions that passed, with its min–max and its ratio to the first design: loads,',
      'migrations, guest accesses and ioctls per second after the warm-up; over the whole run,',
      'partitioned context swaps per second, lock_stat per lock class (acquisitions, contentions,',
      'wait and hold p50/p99/max) and grace periods per second with their latency. Failed',
      'repetitions are listed with the command that reruns each. See docs/designs.md.',
      'Exit: 0 every repetition passed, 1 some failed (listed), 2 bad input, 130/143 on a signal.',
    ],
    options: {
      designs: { value: 'A,B,…', repeatable: true, help: "the designs to compare, the first is the baseline of the ratios (required; see 'vpmu-lab designs')" },
      repeat: { value: 'N', help: 'repetitions per design (1..1000; default 3)' },
      seed: { value: 'N', help: 'the first repetition\'s seed; repetition r uses N + r under every design (default 1)' },
      jobs: { value: 'N', help: 'repetitions running at once (1..64; default 1, so designs never share the cores while measured)' },
      warmup: { value: 'MS', help: 'run this long before --duration and leave it out of the throughput figures (default 3000)' },
      html: { value: 'FILE', help: 'also write a self-contained HTML report: the table, time series, lock wait and grace-period histograms' },
      duration: scenarioOptions.duration,
      quanta: scenarioOptions.quanta,
      policy: scenarioOptions.policy,
      profile: scenarioOptions.profile,
      'no-oracle': scenarioOptions['no-oracle'],
      bug: scenarioOptions.bug,
      json: { help: 'print the comparison as one JSON object' },
      quiet: { help: 'no progress lines on stderr' },
    },
    interruptible: true,
    load: async () => (await import('./compare-command.js')).compareCommand,
  },
  merge: {
    args: 'FILE…',
    summary: "combine the shard files of one campaign (explore --shard i/N) into the campaign's report",
    details: [
      "Each FILE is the JSON lines of one shard, written by 'vpmu-lab explore … --shard i/N",
      "--shard-out FILE'. The report is the one 'explore' prints for the whole campaign: the",
      'same verdict, totals and failures, in the same order. Shards of different campaigns',
      '(scenario, build, strategy, seeds, run count) are refused, as is a missing shard.',
      'Exit: 0 SUCCESS, 1 FAILURE, 2 bad input (a malformed shard file: its name, line and field).',
    ],
    options: { json: { help: "print one JSON object, as explore --json (API.md 'Exploration')" } },
    load: async () => (await import('./merge-command.js')).mergeCommand,
  },
  replay: {
    args: 'FILE.json',
    summary: "replay a schedule file from 'explore' exactly, or a hw run's log (--from-hw): timeline, verdict, trace hash",
    details: [
      "FILE is a schedule file written by 'vpmu-lab explore', or with --from-hw a log written by",
      "'vpmu-lab run --record': the sim follows the hw run's seam steps in their recorded order,",
      'says where the hw run did something the seam cannot express, and writes FILE.sim.json.',
      'Exit: 0 SUCCESS, 1 FAILURE (the failure reproduced, or the replay diverged), 2 bad input.',
    ],
    options: {
      'from-hw': { help: "FILE is a hw run's step log (vpmu-lab run --record FILE)" },
      last: { value: 'N', help: 'timeline: the last N steps (default 60)' },
      full: { help: 'timeline: every step' },
      json: { help: 'print { verdict, oracle?, traceHash, … } as one JSON object' },
    },
    load: async () => (await import('./replay-command.js')).replayCommand,
  },
  scenarios: {
    summary: "the built-in scenarios of 'vpmu-lab run'",
    options: { json: { help: 'print an array of { name, description, host, profile }' } },
    load: async () => (await import('./list-commands.js')).scenariosCommand,
  },
  bugs: {
    summary: 'the catalog of planted historical bugs (--bug NAME on run and explore), each with its spec §8 item, source and scenario',
    options: { json: { help: 'print [{ name, item?, source, summary, scenario, oracle }] (API.md "Exploration")' } },
    load: async () => (await import('./list-commands.js')).bugsCommand,
  },
  designs: {
    summary: "the locking designs of 'vpmu-lab compare' (and run --design), by axis, with the profile switches each sets",
    options: { json: { help: 'print [{ name, axis, summary, switches, needs? }]' } },
    load: async () => (await import('./list-commands.js')).designsCommand,
  },
  presets: {
    summary: 'the built-in host topologies',
    options: { json: { help: 'print the resolved topologies as JSON' } },
    load: async () => (await import('./list-commands.js')).presetsCommand,
  },
  profiles: {
    summary: 'kernel profiles and their switches (spec §9)',
    options: { json: { help: 'print the profiles as JSON' } },
    load: async () => (await import('./list-commands.js')).profilesCommand,
  },
};

/**
 * SIGINT and SIGTERM abort the returned signal (reason: the signal's name) instead of killing
 * the process. After the first one the handlers are gone: a second signal kills at once.
 */
function trapSignals(): { signal: AbortSignal; release: () => void } {
  const abort = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const h = () => {
      release();
      abort.abort(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const release = () => handlers.forEach(([sig, h]) => process.off(sig, h));
  return { signal: abort.signal, release };
}

export async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && Object.hasOwn(commands, rest[0])) [name, rest] = [rest[0], ['--help']];
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(formatUsage(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log((await import('../explore/build-id.js')).packageVersion());
    return 0;
  }
  const cmd = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!cmd) {
    console.error(`vpmu-lab: unknown command '${name}'; valid commands: ${Object.keys(commands).join(', ')}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(formatCommandHelp(name, cmd));
    return 0;
  }
  const trap = cmd.interruptible ? trapSignals() : { signal: new AbortController().signal, release: () => {} };
  try {
    const args = parseArgs(rest, cmd.options);
    const run = await cmd.load();
    return await run(args, { argv: rest, signal: trap.signal });
  } catch (e) {
    if (e instanceof VpmuLabError) {
      console.error(`vpmu-lab ${name}: ${e.message}`);
      return 2;
    }
    console.error(`vpmu-lab ${name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.VPMU_LAB_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  } finally {
    trap.release();
  }
}

process.exitCode = await main(process.argv.slice(2));
