/** The result of one `vpmu-lab run`, as data (printed by report-format.ts, or as JSON). */
import type { LockdepJson } from '../check/lockdep.js';
import type { LockStatRow } from '../check/lock-stat.js';
import type { OracleName } from '../check/verdict.js';
import type { TimeSeries } from '../report/comparison.js';

/** A guest death: the vCPU's CPU and quantum, the register it touched, the PMUs involved. */
export interface CrashRecord {
  cpu: number;
  /** The vCPU's quantum (KVM_RUN) in which it died, from 1. */
  quantum: number;
  /** The PMU register whose access killed it (the UNDEF, or the counter it divided by). */
  register: string | null;
  /** The host PMU the counter's perf event belongs to (or the VM's arm_pmu). */
  sourcePmu: string | null;
  /** The host PMU covering the CPU it died on. */
  targetPmu: string | null;
  /** The VM's counter count changed during the KVM_RUN it died in (§8 item 13 inside one run). */
  countChangedInRun: boolean;
  message: string;
}

export interface RunReport {
  scenario: string;
  host: string;
  profile: string;
  design: string;
  policy: string;
  seed: number;
  elapsedMs: number;
  /** Stopped before the scenario ended: by SIGINT (`run`), or by a run handle's `stop()` (run-handle.ts). */
  interrupted: boolean;
  totals: {
    loads: number;
    migrations: number;
    guestAccesses: number;
    ioctls: number;
    guestCrashes: number;
    failEntries: number;
    runErrors: number;
    loadReloads: number;
    clusterMigrations: number;
    guestEntries: number;
  };
  /** Per physical CPU: KVM_RUNs, guest entries, fail-entries. */
  cpus: { cpu: number; loads: number; entries: number; failEntries: number }[];
  /** Per second of elapsed time. */
  rates: { loads: number; migrations: number; guestAccesses: number; ioctls: number };
  /**
   * The rates over the run, per interval (engine/run-meter.ts: 1000 ms from 5 s of
   * duration, else about a fifth of it; a final partial interval counts if it lasted half
   * an interval). Runs on workers only: a sim execution's is empty with `intervalMs` 0 —
   * it lasts virtual microseconds to milliseconds and is judged by its steps, not by its
   * throughput over time.
   */
  series: TimeSeries;
  vms: { id: number; config: string; pmu: string | null; nrCounters: number; supportedCpus: string; hasRanOnce: boolean }[];
  vcpus: {
    vm: number;
    id: number;
    workload: string;
    quanta: number;
    state: 'done' | 'crashed' | 'stopped' | 'never created';
    /** How the guest died: its workload's fatal error (e.g. division by zero) or an unexpected UNDEF. */
    crash?: 'workload' | 'undef';
    /** Where and how it died. */
    crashRecord?: CrashRecord;
    lastCpu: number;
    loadReloads: number;
    guest: Record<string, number | string | boolean>;
    /**
     * Host-side state (vcpu.hostState, spec §6.2/§6.5) at the end of the run — MDCR_EL2 as
     * hex — and the partitioned context swaps of §6.4 with the registers they moved.
     */
    host: { mdcrEl2: string; pmuOwner: 'host' | 'guest'; swaps: { loads: number; registersLoaded: number; puts: number; registersPut: number } };
  }[];
  /** Failed KVM_RUNs by errno (all pCPUs). */
  runErrnos: Record<string, number>;
  vmm: { name: string; ioctls: number; results: Record<string, number> }[];
  /**
   * lock_stat per lock class (check/lock-stat.ts): acquisitions, contentions, wait and hold
   * times, their log2 histograms. On workers, the sum of the threads' final reports: a
   * thread terminated before it could answer (killed, or hung at the stop — the failure
   * names it) is missing from it.
   */
  lockStat: LockStatRow[];
  /** The unit of lockStat's times: real ns on workers, virtual ns in the sim. */
  lockStatUnit: 'ns' | 'virtual ns';
  /**
   * Threads whose lock_stat is not in `lockStat`: each thread sends its figures in its final
   * report, so a thread that was terminated (a fault, a hang at the stop) never did.
   */
  lockStatMissing: string[];
  /** The run's lock class dependencies, first origins included (`LockdepGraph.fromJSON`). */
  lockdep: LockdepJson;
  /** spec §8 items the engine checks while running. */
  invariants: { item4GuestEntryOutsideSupportedCpus: number; item13NrCountersChangedAfterRun: number };
  failure?: {
    kind: 'worker-crash' | 'worker-exit' | 'watchdog' | 'hang-at-stop' | 'deadlock';
    /** The oracle (check/verdict.ts) when the driver knows it better than the kind says. */
    oracle?: OracleName;
    thread?: string;
    message: string;
    /** Who holds which lock and who waits on what, when it happened. */
    locks?: string[];
    /** The flight recorder's merged tail: the last synchronisation events of every thread. */
    trace?: string[];
  };
}
