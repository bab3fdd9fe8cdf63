/**
 * What the coordinator hands a worker thread, and what a worker tells it back: the job in
 * `workerData`, then a request/answer API over comlink (the control plane). The run itself
 * starts at the control region's start barrier and goes on in shared memory only.
 */
import type { LockStatRow } from '../check/lock-stat.js';
import type { OracleName } from '../check/verdict.js';
import type { ControlShape } from './control.js';
import type { Scenario } from './scenario.js';
import type { WorldBuffers } from './world.js';

export interface WorkerJob {
  /** The thread's slot: pCPU c is slot c; VMM thread i is slot cpus + i. */
  readonly slot: number;
  readonly scenario: Scenario;
  readonly world: WorldBuffers;
  readonly control: SharedArrayBuffer;
  readonly controlShape: ControlShape;
  readonly recorder: SharedArrayBuffer;
  /** Ring entries per thread of the flight recorder. */
  readonly recorderEntries: number;
  /** Record mode (`run --record`): logged steps and their leaf work are serialised. */
  readonly recordMode: boolean;
}

/** What only the thread knows once its loop ended: its run's share of the report. */
export interface ThreadReport {
  readonly slot: number;
  /** Its own lock_stat (check/lock-stat.ts), real ns; the coordinator sums the threads'. */
  readonly lockStat: LockStatRow[];
  /**
   * Why its loop ended early: what it threw, as data — the oracle is named where the error
   * is still itself (a clone of an Error keeps neither its class nor its fields).
   */
  readonly failure?: { readonly oracle: OracleName; readonly message: string };
}

/** What an engine worker (workers/pcpu.ts, workers/vmm.ts) exposes over comlink. */
export interface ThreadApi {
  /** Answers once the worker has attached to the run's shared memory: it can start. */
  ready(): void;
  /**
   * Waits at the control region's start barrier, runs the thread's loop, and answers when
   * the loop ends, with the thread's final report. The worker then exits by itself.
   */
  run(): ThreadReport;
}

/** Names of the threads by slot, for reports: "pcpu3", "vmm:configurator". */
export function threadNames(scenario: Scenario): string[] {
  return [
    ...Array.from({ length: scenario.topology.cpus }, (_, c) => `pcpu${c}`),
    ...scenario.vmm.map((t) => `vmm:${t.name}`),
  ];
}

export function worldShapeOf(scenario: Scenario) {
  return {
    topology: scenario.topology,
    profile: scenario.profile,
    checks: scenario.checks,
    oraclesOff: scenario.oraclesOff,
    vms: scenario.vms.map((v) => ({ irqchip: v.irqchip, vcpus: v.vcpus.length })),
  };
}
