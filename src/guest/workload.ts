/** The shape of a guest workload (src/guest/*): one scheduling quantum at a time. */
import type { GuestCpu } from '../kvm/guest-cpu.js';
import type { Op } from '../sync/seam.js';
import type { GuestMemory } from './memory.js';

export interface WorkloadParams {
  /** Cycles (and as many instructions) the guest executes per quantum. */
  cycles: number;
  /** Register accesses per quantum, for the PMU hammer. */
  accesses: number;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  /**
   * One quantum on `g`'s physical CPU; all state lives in `mem`. Throws GuestCrash when the
   * guest dies. A generator: before each PMU access it yields its trap point when
   * `g.trapDue()` says so (`if (g.trapDue()) yield g.trap;`), so other threads can run
   * between two accesses of one KVM_RUN, and a sim strategy may preempt and migrate it there.
   */
  quantum(g: GuestCpu, mem: GuestMemory, params: WorkloadParams): Op<void>;
  /** What the guest observed so far, for run reports. */
  report(mem: GuestMemory): Record<string, number | string | boolean>;
}

export const defaultWorkloadParams: WorkloadParams = Object.freeze({ cycles: 100_000, accesses: 1_000 });
