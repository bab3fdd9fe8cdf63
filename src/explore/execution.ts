/**
 * One execution of a scenario under the sim driver: the same world, set-up and thread loops
 * as `vpmu-lab run` (pcpuLoop, vmmLoop), every thread a generator in one SimMachine, and a
 * strategy picking who steps next. The loop plays the coordinator's part: it stops the run
 * when every thread idles (all work done), at the step budget or the scenario's duration in
 * virtual time, or at the first failure; it reports a deadlock (nothing can step, not
 * everyone idle) with the wait-for cycle, and a thread that cannot finish after the stop.
 */
import { buildReport } from '../engine/build-report.js';
import { Control, STAT } from '../engine/control.js';
import { threadNames, worldShapeOf } from '../engine/messages.js';
import { pcpuLoop } from '../engine/pcpu-loop.js';
import type { RunReport } from '../engine/report.js';
import type { Scenario } from '../engine/scenario.js';
import { vmmLoop } from '../engine/vmm-loop.js';
import { World } from '../engine/world.js';
import { initSchedule, setUpWorld } from '../engine/world-setup.js';
import { GUEST_TRAP_LABEL } from '../kvm/guest-cpu.js';
import { oracleOfError, verdictOf, type Verdict } from '../check/verdict.js';
import type { Switches } from './schedule.js';
import { SimMachine, type SimThread } from './sim.js';
import { defaultPick, isPreemption, type Strategy } from './strategy.js';

export interface ExecutionOptions {
  /** Steps after which the run is stopped (it then winds down). */
  readonly maxSteps: number;
  /** Keep every step for a timeline (replay). */
  readonly record?: boolean;
  /** End the execution at the first failure an oracle sees (explore), or run it out. */
  readonly stopOnFailure?: boolean;
}

export interface Execution {
  readonly seed: number;
  readonly report: RunReport;
  readonly verdict: Verdict;
  readonly steps: number;
  readonly traceHash: string;
  /** Where the strategy deviated from the non-preemptive default: replays this execution. */
  readonly switches: Switches;
  /** Switches away from a thread that could have stepped. */
  readonly preemptions: number;
  readonly virtualNs: number;
  readonly wallMs: number;
  readonly machine: SimMachine;
  readonly names: readonly string[];
}

/** Steps after which the stop is given up on (a thread that will not finish). */
const WIND_DOWN_STEPS = 1_000_000;
/** How often (steps) the cheap failure check and the virtual-time end are looked at. */
const CHECK_EVERY = 64;

/**
 * Runs one execution; undefined when the strategy has nothing left to explore. The
 * scenario's placement seed is the execution's seed, so a schedule replays placements too.
 */
export function runExecution(base: Scenario, strategy: Strategy, opts: ExecutionOptions): Execution | undefined {
  const names = threadNames(base);
  const start = strategy.start(names.length);
  if (!start) return undefined;
  const t0 = performance.now();
  const s: Scenario = { ...base, seed: start.seed };
  const world = World.create(worldShapeOf(s));
  setUpWorld(world, s);
  const control = Control.create({ cpus: s.topology.cpus, vcpus: s.vms.reduce((n, v) => n + v.vcpus.length, 0), threads: names.length });
  initSchedule(control, s);
  control.start();

  const sim = new SimMachine({ record: opts.record, trapLabel: GUEST_TRAP_LABEL });
  names.forEach((name, slot) => {
    sim.spawn(name, slot < s.topology.cpus ? pcpuLoop(s, world, control, slot, { trapEvery: 1 }) : vmmLoop(s, world, control, slot));
  });

  const switches: Switches = { steps: [], threads: [] };
  let preemptions = 0;
  let failure: RunReport['failure'];
  const durationNs = s.durationMs * 1e6;
  const runnable: number[] = [];
  const stopAt = opts.maxSteps;
  for (;;) {
    const n = sim.runnableInto(runnable);
    if (n === 0) {
      const live = sim.live();
      if (live.length === 0) break;
      if (!control.stopped() && live.every((t) => t.pending?.kind === 'park')) {
        control.stop(); // every thread idles: the work is done (or nothing else can start it)
        continue;
      }
      failure ??= control.stopped() ? hangAtStop(sim, live) : deadlock(sim, live);
      break;
    }
    if (sim.steps % CHECK_EVERY === 0 && !control.stopped()) {
      if (sim.steps >= stopAt || virtualNs(sim, control) >= durationNs) control.stop();
      else if (opts.stopOnFailure && quickFailure(control)) control.stop();
    }
    if (sim.steps >= stopAt + WIND_DOWN_STEPS) {
      failure ??= hangAtStop(sim, sim.live());
      break;
    }
    const step = sim.steps;
    const current = sim.current;
    const chosen = strategy.pick(runnable, n, current, step);
    if (chosen !== defaultPick(runnable, n, current)) {
      switches.steps.push(step);
      switches.threads.push(chosen);
    }
    if (isPreemption(runnable, n, current, chosen)) preemptions++;
    try {
      sim.step(chosen);
    } catch (e) {
      const name = sim.thread(chosen).task.name;
      failure = {
        kind: 'worker-crash',
        oracle: oracleOfError(e),
        thread: name,
        message: `${name} failed at step ${step}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      };
      break; // the first engine failure ends the execution: what follows is not the model
    }
  }
  strategy.end(sim.steps);
  const vns = virtualNs(sim, control);
  const report = buildReport(s, world, control, names, { elapsedMs: vns / 1e6, interrupted: false, failure });
  return {
    seed: start.seed,
    report,
    verdict: verdictOf(report),
    steps: sim.steps,
    traceHash: sim.traceHash(),
    switches,
    preemptions,
    virtualNs: vns,
    wallMs: performance.now() - t0,
    machine: sim,
    names,
  };
}

/**
 * The oracles that end an execution early, looked at cheaply: a guest death, an entry
 * outside supported_cpus. The other invariants are read from the report at the end, so
 * a violation gets the chance to show its consequence (item 13's UNDEF in the guest).
 */
function quickFailure(control: Control): boolean {
  return control.total(STAT.CRASHES) > 0n || control.total(STAT.ITEM4) > 0n;
}

/** Guest time's clock rate in virtual time. */
const GUEST_GHZ = 2;

/** Virtual time: the furthest any thread got, its steps plus the guest cycles it ran. */
function virtualNs(sim: SimMachine, control: Control): number {
  let max = 0;
  for (const t of sim.threads) max = Math.max(max, t.clock + Number(control.stat(t.index, STAT.GUEST_CYCLES)) / GUEST_GHZ);
  return max;
}

/** Nothing can step and not everyone idles: who holds what, who waits on what, and the cycle. */
function deadlock(sim: SimMachine, live: readonly SimThread[]): NonNullable<RunReport['failure']> {
  const waits = live.map((t) => `${t.task.name} ${sim.waitOf(t)}`);
  const held = sim.threads.flatMap((t) => t.task.held.map((l) => `${t.task.name} holds ${l.name}`));
  const cycle = waitCycle(sim, live);
  return {
    kind: 'deadlock',
    message: `deadlock at step ${sim.steps}${cycle ? `: ${cycle}` : ''}`,
    locks: [...held, ...waits],
  };
}

/** "A waits for L1 held by B → B waits for L2 held by A", if the lock waits form a cycle. */
function waitCycle(sim: SimMachine, live: readonly SimThread[]): string | undefined {
  const next = (t: SimThread): SimThread | undefined => {
    const op = t.pending;
    return op?.kind === 'lock' ? sim.threads[op.lock.owner() - 1] : undefined;
  };
  for (const first of live) {
    const path: SimThread[] = [];
    for (let t: SimThread | undefined = first; t && !path.includes(t); t = next(t)) path.push(t);
    const last = path[path.length - 1]!;
    const back = next(last);
    if (back && path.includes(back)) {
      const loop = path.slice(path.indexOf(back));
      return loop.map((t) => `${t.task.name} ${sim.waitOf(t)}`).join(' → ');
    }
  }
  return undefined;
}

function hangAtStop(sim: SimMachine, live: readonly SimThread[]): NonNullable<RunReport['failure']> {
  return {
    kind: 'hang-at-stop',
    thread: live[0]?.task.name,
    message: `after the stop, ${live.map((t) => `${t.task.name} ${sim.waitOf(t)}`).join('; ')}`,
  };
}
