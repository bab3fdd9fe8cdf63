/**
 * A physical CPU's thread loop, one generator that every driver runs (DESIGN "one loop, N
 * drivers"): hw (a pCPU worker, `runHw`) and sim (one thread, a strategy picks who steps).
 * It runs whichever vCPU is ready on it for one quantum — KVM_RUN with vcpu_load, the
 * per-load check, request servicing, the guest's workload, vcpu_put — then places that
 * vCPU on its next pCPU by the scheduler policy and rings that pCPU's doorbell. Idle, it
 * parks on its own doorbell. A vCPU is loaded on at most one pCPU at a time: claiming it
 * is a compare-and-swap on its scheduling word, and KVM_RUN holds its vcpu->mutex.
 */
import { CYCLE_IDX } from '../arch/pmu-bits.js';
import { registerNames } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import type { KvmVcpu } from '../kvm/vcpu-state.js';
import { GuestCrash } from '../guest/guest-crash.js';
import { workload } from '../guest/index.js';
import { vcpuRun, type RunPlace, type RunResult } from '../kvm/arm.js';
import type { GuestCpu, GuestProgram } from '../kvm/guest-cpu.js';
import { GuestUndefined } from '../kvm/guest-undefined.js';
import { point, QUIESCENT, type Op } from '../sync/seam.js';
import { CRASH, SCHED, STAT, STATUS, type Control, type CrashWords, type ThreadStats } from './control.js';
import type { Scenario } from './scenario.js';
import { clusterOf, nextCpu, resolvePolicy } from './scheduler.js';
import type { World } from './world.js';

/**
 * Under the hw driver a guest yields a trap point every this many PMU accesses: often
 * enough for a flight recorder to place them, rare enough that the per-access path stays a
 * plain function call.
 */
export const HW_TRAP_BATCH = 64;

/** Lock-free accesses to the scheduling words, as seam points (a placement, a claim scan). */
const PLACE = point('pcpu: place the vCPU');
const CLAIM = point('pcpu: claim a ready vCPU');

/**
 * Under the hw driver a pCPU publishes its hot statistics every this many quanta (and when
 * it idles or exits). At a few µs a quantum that is well under a millisecond, and a quantum
 * of a heavy guest is longer anyway; the heartbeat the watchdog reads moves every quantum.
 */
export const HW_PUBLISH_EVERY = 32;

export interface LoopOptions {
  /** A guest yields a trap point before every `trapEvery`-th PMU access (sim: 1; hw: a batch). */
  readonly trapEvery: number;
  /**
   * Statistics are published every this many quanta (default 1: at once — the sim reads
   * them while it runs, e.g. the guest cycles of its virtual clock; hw: HW_PUBLISH_EVERY).
   */
  readonly publishEvery?: number;
}

/** What one quantum leaves to account for, besides the vCPU's own words. */
export interface QuantumFacts {
  /** The guest was entered: its accesses and cycles (undefined: it was not). */
  readonly guest: { readonly accesses: number; readonly cycles: number } | undefined;
  /** vcpu_load ran (a KVM_RUN that failed before it does not load). */
  readonly loaded: boolean;
  /** The CPU of the vCPU's previous quantum (-1: none), this one's, and where it ended. */
  readonly last: number;
  readonly cpu: number;
  readonly endedOn: number;
  /** Reload requests the per-load check raised during the quantum. */
  readonly reloads: number;
}

/**
 * The pCPU loop's per-quantum bookkeeping: the thread's statistics (counted in `stats`,
 * published every K quanta) and the vCPU's own words (last CPU, quanta). Returns the
 * vCPU's quantum count. One function, so the benchmark measures what the loop pays.
 */
export function accountQuantum(stats: ThreadStats, control: Control, group: readonly number[], v: number, q: QuantumFacts): number {
  if (q.guest) {
    stats.add(STAT.ENTRIES);
    stats.add(STAT.ACCESSES, q.guest.accesses);
    stats.add(STAT.GUEST_CYCLES, q.guest.cycles);
  }
  if (q.loaded) {
    stats.add(STAT.LOADS);
    if (q.last >= 0 && q.last !== q.cpu) stats.add(STAT.MIGRATIONS);
    if (q.last >= 0 && group[q.last] !== group[q.cpu]) stats.add(STAT.CLUSTER_MIGRATIONS);
    control.setLastCpu(v, q.endedOn);
  }
  if (q.reloads !== 0) stats.add(STAT.LOAD_RELOADS, q.reloads);
  stats.add(STAT.QUANTA);
  stats.quantumDone();
  return control.countVcpuQuantum(v);
}

export function* pcpuLoop(scenario: Scenario, world: World, control: Control, cpu: number, opts: LoopOptions): Op<void> {
  const slot = cpu;
  const plans = scenario.vms.flatMap((vm) => vm.vcpus);
  const workloads = plans.map((p) => workload(p.workload));
  const policy = resolvePolicy(scenario.policy, scenario.seed);
  const group = clusterOf(scenario.topology);
  const stats = control.threadStats(slot, opts.publishEvery ?? 1);
  let scan = 0;

  /**
   * One quantum of vCPU v, as the loop below runs it: `beginQuantum`, KVM_RUN (the loop's
   * own `yield*`, so the run's steps are one generator frame shallower than a generator per
   * quantum would make them), `endedRun` or `died`, the quiescent state, `endQuantum`, and
   * the placement.
   */
  interface Quantum {
    readonly v: number;
    readonly vcpu: KvmVcpu;
    readonly last: number;
    readonly reloadsBefore: number;
    readonly loadsBefore: number;
    readonly where: RunPlace;
    readonly program: GuestProgram;
    guest: GuestCpu | undefined;
    nAtEntry: number;
    crash: Omit<CrashWords, 'quantum'> | undefined;
  }

  function beginQuantum(v: number): Quantum {
    const vcpu = world.vcpus[v]!;
    const plan = plans[v]!;
    const q: Quantum = {
      v,
      vcpu,
      last: control.lastCpu(v),
      reloadsBefore: vcpu.loadReloads,
      loadsBefore: vcpu.loads,
      where: { cpu, left: [] },
      program: (g) => {
        q.guest = g;
        q.nAtEntry = vcpu.vm.nrPmuCounters;
        g.trapEvery = opts.trapEvery;
        return workloads[v]!.quantum(g, world.guestMemory[v]!, plan);
      },
      guest: undefined,
      nAtEntry: -1,
      crash: undefined,
    };
    return q;
  }

  /** KVM_RUN returned `r`. */
  function endedRun(q: Quantum, r: RunResult): void {
    if (r.exitReason === uapi.KVM_EXIT_FAIL_ENTRY) control.add(slot, STAT.FAIL_ENTRIES);
    if (r.ret < 0) control.countErrno(slot, r.ret);
    if (r.ret < 0 && !q.guest) control.add(slot, STAT.RUN_ERRORS);
  }

  /** KVM_RUN threw `e`. */
  function died(q: Quantum, e: unknown): void {
    // The guest died: its workload's own fatal error, or an UNDEF it did not expect (a
    // counter it programmed vanished under it — the §8 item 13 race does that).
    if (!(e instanceof GuestCrash) && !(e instanceof GuestUndefined)) throw e;
    // Where the guest was when it died: this CPU, unless its thread was migrated mid-run.
    q.crash = crashWords(q.vcpu, e, q.nAtEntry, q.where.cpu);
    control.add(slot, STAT.CRASHES);
  }

  /** After the quantum's quiescent state: the accounting; the CPU to place the vCPU on, or -1 (done, crashed). */
  function endQuantum(q: Quantum): number {
    const { v, vcpu, where } = q;
    if (q.guest && !vcpu.vm.supportsCpu(cpu)) control.add(slot, STAT.ITEM4);
    // Where the KVM_RUN ended: this CPU, unless the sim migrated the vCPU thread mid-run;
    // then the pCPUs of the CPUs it passed through, which saw it loaded there and stayed
    // off, may claim again.
    const endedOn = where.cpu;
    if (where.left.length === 0) {
      if (endedOn !== cpu) control.ring(endedOn);
    } else for (const c of new Set([...where.left, endedOn])) if (c !== cpu) control.ring(c);
    const quanta = accountQuantum(stats, control, group, v, {
      guest: q.guest,
      loaded: vcpu.loads !== q.loadsBefore,
      last: q.last,
      cpu,
      endedOn,
      reloads: vcpu.loadReloads - q.reloadsBefore,
    });
    if (q.crash) {
      control.setCrash(v, { ...q.crash, quantum: quanta });
      control.setSched(v, SCHED.CRASHED);
      return -1;
    }
    if (scenario.quanta > 0 && quanta >= scenario.quanta) {
      control.setSched(v, SCHED.DONE);
      return -1;
    }
    const next = nextCpu(policy, scenario.topology, { current: endedOn, quanta, rng: control.rngState(v) });
    control.setRngState(v, next.rng);
    return next.cpu;
  }

  /** Where and how the guest died: its register, the counter's PMU and this CPU's PMU. */
  function crashWords(vcpu: KvmVcpu, e: GuestCrash | GuestUndefined, nAtEntry: number, diedOn: number): Omit<CrashWords, 'quantum'> {
    const source = vcpu.hasEvent(CYCLE_IDX) ? vcpu.eventPmu(CYCLE_IDX) : vcpu.vm.armPmu;
    // §8 item 13 inside one KVM_RUN: the counter count moved under the running guest.
    const changed = nAtEntry >= 0 && nAtEntry !== vcpu.vm.nrPmuCounters;
    // The PMU covering this CPU: a lock-free look at the never-reclaimed PMU table (report only).
    const list = world.host.list;
    let target = -1;
    for (let i = 0; i < list.count() && target < 0; i++) if (list.covers(i, diedOn)) target = i;
    return {
      kind: e instanceof GuestUndefined ? CRASH.UNDEF : CRASH.WORKLOAD,
      cpu: diedOn,
      register: e.register === undefined ? -1 : registerNames.indexOf(e.register),
      sourcePmu: source,
      targetPmu: target,
      countChangedInRun: changed ? 1 : 0,
      message: changed ? `${e.message}; PMCR_EL0.N went from ${nAtEntry} to ${vcpu.vm.nrPmuCounters} during this KVM_RUN` : e.message,
    };
  }

  control.setStatus(slot, STATUS.IDLE);
  try {
    for (;;) {
      // The doorbell first, then the stop word: stop() sets the word before it rings, so a
      // stop that rang before `seen` is seen here, and one that rings after ends the park.
      const seen = control.doorbell(cpu);
      if (control.stopped()) break;
      yield CLAIM; // the scan races with other pCPUs placing vCPUs here
      let v = -1;
      // A CPU runs one vCPU: not while another's thread was migrated here mid-run (sim only).
      const occupied = world.vcpuLoadedOn(cpu);
      for (let k = 0; k < plans.length && v < 0 && !occupied; k++) {
        const cand = (scan + k) % plans.length;
        if (control.claim(cand, cpu)) v = cand;
      }
      if (v < 0) {
        stats.flush(); // idle: what it counted is visible while it sleeps
        control.setStatus(slot, STATUS.IDLE);
        yield control.parkOnDoorbell(cpu, seen); // an idle CPU is in an extended quiescent state
        continue;
      }
      scan = v + 1; // fairness among vCPUs queued on this pCPU
      if (control.faultInjected(slot)) throw new Error(`fault injected into pcpu${cpu} after it claimed vCPU ${v}`);
      control.setStatus(slot, STATUS.RUNNING);
      const q = beginQuantum(v);
      try {
        endedRun(q, yield* vcpuRun(q.vcpu, cpu, q.program, q.where));
      } catch (e) {
        died(q, e);
      }
      yield QUIESCENT;
      const to = endQuantum(q);
      if (to < 0) continue;
      yield PLACE; // another pCPU may be scanning for work right now
      control.setSched(v, to, cpu); // placed here: this loop scans again before it parks
    }
  } finally {
    stats.flush(); // complete totals once the thread is gone (also after a throw)
    control.setStatus(slot, STATUS.EXITED);
  }
}
