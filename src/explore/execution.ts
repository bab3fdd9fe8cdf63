/**
 * One execution of a scenario under the sim driver: the same world, set-up and thread loops
 * as `vpmu-lab run` (pcpuLoop, vmmLoop), every thread a generator in one SimMachine, and a
 * strategy picking who steps next. The loop plays the coordinator's part: it stops the run
 * when every thread idles (all work done), at the step budget or the scenario's duration in
 * virtual time, or at the first failure; it reports a deadlock (nothing can step, not
 * everyone idle) with the wait-for cycle, and a thread that cannot finish after the stop.
 */
import { buildReport } from '../engine/build-report.js';
import { Control, STAT, STATUS } from '../engine/control.js';
import { threadNames, worldShapeOf } from '../engine/messages.js';
import { pcpuLoop } from '../engine/pcpu-loop.js';
import type { RunReport } from '../engine/report.js';
import type { Scenario } from '../engine/scenario.js';
import { vmmLoop } from '../engine/vmm-loop.js';
import { World } from '../engine/world.js';
import { initSchedule, setUpWorld } from '../engine/world-setup.js';
import { GUEST_TRAP_LABEL } from '../kvm/guest-cpu.js';
import type { LockdepGraph } from '../check/lockdep.js';
import { oracleOfError, verdictOf, type Verdict } from '../check/verdict.js';
import { describeDeadlock, drive } from './drive.js';
import type { Migrations, Switches } from './schedule.js';
import { SimMachine, type SimThread } from './sim.js';
import type { MigratedAt } from './timeline.js';
import type { Strategy } from './strategy.js';

export interface ExecutionOptions {
  /** Steps after which the run is stopped (it then winds down). */
  readonly maxSteps: number;
  /** Keep every step for a timeline (replay). */
  readonly record?: boolean;
  /** End the execution at the first failure an oracle sees (explore), or run it out. */
  readonly stopOnFailure?: boolean;
  /** Stop the run exactly after this many steps (following a hw log up to its stop). */
  readonly stopAfter?: number;
  /** A guest yields its trap point every this many PMU accesses (default 1: every access). */
  readonly trapEvery?: number;
  /** Told the machine and the world once the threads are spawned, before the first step. */
  readonly onStart?: (sim: SimMachine, world: World) => void;
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
  /** Where each preemption happened and whom it passed over. */
  readonly preempted: readonly { readonly step: number; readonly thread: number }[];
  /** Injected preempt-and-migrate actions (replays this execution with the switches). */
  readonly migrations: Migrations;
  /** Where each injected migration took effect, by step (for timelines). */
  readonly migratedAt: readonly MigratedAt[];
  readonly virtualNs: number;
  readonly wallMs: number;
  readonly machine: SimMachine;
  readonly names: readonly string[];
  /**
   * The lock class dependencies this execution produced, stamped with its seed: what a
   * campaign merges (`campaignGraph.merge(e.lockdep, runIndex)`, check/lockdep.ts).
   */
  readonly lockdep: LockdepGraph;
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

  const sim = new SimMachine({ record: opts.record, trapLabel: GUEST_TRAP_LABEL, seed: start.seed });
  const trapEvery = opts.trapEvery ?? 1;
  names.forEach((name, slot) => {
    sim.spawn(name, slot < s.topology.cpus ? pcpuLoop(s, world, control, slot, { trapEvery }) : vmmLoop(s, world, control, slot));
  });
  opts.onStart?.(sim, world);

  let failure: RunReport['failure'];
  const durationNs = s.durationMs * 1e6;
  const d = drive(sim, strategy, {
    stuck: (live) => {
      if (!control.stopped() && live.every((t) => t.pending?.kind === 'park')) {
        control.stop(); // every thread idles: the work is done (or nothing else can start it)
        return true;
      }
      failure = control.stopped() ? hangAtStop(sim, live) : { kind: 'deadlock', ...describeDeadlock(sim, live) };
      return false;
    },
    // A vCPU thread moves only to an idle CPU: none loaded there, its pCPU not between a
    // claim and the load (a CPU runs one vCPU).
    migration: { cpus: s.topology.cpus, canMoveTo: (cpu) => control.status(cpu).status !== STATUS.RUNNING && !world.vcpuLoadedOn(cpu) },
    end: () => {
      const steps = sim.steps;
      if (!control.stopped()) {
        if (steps === opts.stopAfter) control.stop();
        else if (steps % CHECK_EVERY === 0) {
          if (steps >= opts.maxSteps || virtualNs(sim, control) >= durationNs) control.stop();
          else if (opts.stopOnFailure && quickFailure(control)) control.stop();
        }
      } else if (steps >= opts.maxSteps + WIND_DOWN_STEPS) {
        failure = hangAtStop(sim, sim.live());
        return true;
      }
      return false;
    },
  });
  if (d.crashed) {
    // The first engine failure ends the execution: what would follow is not the model.
    const { thread, step, error } = d.crashed;
    failure = {
      kind: 'worker-crash',
      oracle: oracleOfError(error),
      thread,
      message: `${thread} failed at step ${step}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    };
  }
  strategy.end(sim.steps);
  const vns = virtualNs(sim, control);
  const report = buildReport(s, world, control, names, { elapsedMs: vns / 1e6, interrupted: false, failure }, { lockStat: sim.lockStats.rows(), unit: 'virtual ns', lockdep: sim.lockdep });
  return {
    seed: start.seed,
    report,
    verdict: verdictOf(report),
    steps: sim.steps,
    traceHash: sim.traceHash(),
    switches: d.switches,
    preemptions: d.preemptions,
    preempted: d.preempted,
    migrations: d.migrations,
    migratedAt: d.migratedAt,
    virtualNs: vns,
    wallMs: performance.now() - t0,
    machine: sim,
    names,
    lockdep: sim.lockdep,
  };
}

/**
 * A guest death, looked at cheaply, ends an execution early. (A model oracle that fires
 * throws, which ends the execution at once: `d.crashed`.)
 */
function quickFailure(control: Control): boolean {
  return control.total(STAT.CRASHES) > 0n;
}

/** Guest time's clock rate in virtual time. */
const GUEST_GHZ = 2;

/** Virtual time: the furthest any thread got, its steps plus the guest cycles it ran. */
function virtualNs(sim: SimMachine, control: Control): number {
  let max = 0;
  for (const t of sim.threads) max = Math.max(max, t.clock + Number(control.stat(t.index, STAT.GUEST_CYCLES)) / GUEST_GHZ);
  return max;
}

function hangAtStop(sim: SimMachine, live: readonly SimThread[]): NonNullable<RunReport['failure']> {
  return {
    kind: 'hang-at-stop',
    thread: live[0]?.task.name,
    message: `after the stop, ${live.map((t) => `${t.task.name} ${sim.waitOf(t)}`).join('; ')}`,
  };
}
