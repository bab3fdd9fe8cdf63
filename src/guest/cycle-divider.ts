/**
 * The Windows-like guest (hosts-and-clients §4.1): it enables the cycle counter, then in
 * every scheduling quantum measures the cycles a fixed amount of work took and divides by
 * that delta to calibrate its clock. A delta of zero — the counter silently stopped
 * because the vCPU runs where the backing host PMU does not count — is a division by zero.
 */
import { PMCR } from '../arch/pmu-bits.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';

/** The guest's fatal exception, as Windows' bugcheck would report it. */
export class GuestCrash extends Error {
  override name = 'GuestCrash';
  constructor(
    message: string,
    readonly cpu: number,
  ) {
    super(message);
  }
}

export interface CycleDividerState {
  /** Quanta the guest completed. */
  quanta: number;
  enabled: boolean;
  /** PMCCNTR_EL0 as last read; it must never go backwards. */
  last: bigint | undefined;
  /** Cycles the guest executed, and the cycles its counter saw. */
  executed: bigint;
  counted: bigint;
  monotonic: boolean;
}

export function newCycleDividerState(): CycleDividerState {
  return { quanta: 0, enabled: false, last: undefined, executed: 0n, counted: 0n, monotonic: true };
}

/** One quantum of the guest: `cycles` of work timed with PMCCNTR_EL0. */
export function cycleDividerQuantum(state: CycleDividerState, cycles: number): (g: GuestCpu) => void {
  return (g) => {
    if (!state.enabled) {
      g.write('PMCR_EL0', PMCR.E | PMCR.LC);
      g.write('PMCNTENSET_EL0', 1n << 31n);
      state.enabled = true;
    }
    const t0 = g.read('PMCCNTR_EL0');
    if (state.last !== undefined && t0 < state.last) state.monotonic = false;
    g.exec(cycles, cycles);
    const t1 = g.read('PMCCNTR_EL0');
    state.last = t1;
    state.executed += BigInt(cycles);
    const delta = t1 - t0;
    state.counted += delta;
    if (delta === 0n) {
      throw new GuestCrash(`division by zero: PMCCNTR_EL0 did not advance over ${cycles} cycles of work`, g.cpu);
    }
    state.quanta++;
  };
}
