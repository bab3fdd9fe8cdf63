/**
 * The Windows-like guest (hosts-and-clients §4.1): it enables the cycle counter, then in
 * every scheduling quantum measures the cycles a fixed amount of work took and divides by
 * that delta to calibrate its clock. A delta of zero — the counter silently stopped
 * because the vCPU runs where the backing host PMU does not count — is a division by zero.
 */
import { PMCR } from '../arch/pmu-bits.js';
import { GuestCrash } from './guest-crash.js';
import type { GuestMemory } from './memory.js';
import type { Workload } from './workload.js';

// Guest memory words.
const LAST = 0; // u64: PMCCNTR_EL0 as last read
const EXECUTED = 1; // u64: cycles executed
const COUNTED = 2; // u64: cycles the counter saw
const ENABLED = 0; // i32
const QUANTA = 1; // i32: quanta completed
const BACKWARDS = 2; // i32: times the counter went backwards

export const cycleDivider: Workload = {
  name: 'cycle-divider',
  description: 'Windows-like: divides work by its PMCCNTR_EL0 delta every quantum; a zero delta crashes it',
  *quantum(g, mem, { cycles }) {
    if (mem.i32[ENABLED] === 0) {
      if (g.trapDue()) yield g.trap;
      g.write('PMCR_EL0', PMCR.E | PMCR.LC);
      if (g.trapDue()) yield g.trap;
      g.write('PMCNTENSET_EL0', 1n << 31n);
      mem.i32[ENABLED] = 1;
    }
    if (g.trapDue()) yield g.trap;
    const t0 = g.read('PMCCNTR_EL0');
    if (mem.i32[QUANTA]! > 0 && t0 < mem.u64[LAST]!) mem.i32[BACKWARDS]!++;
    g.exec(cycles, cycles);
    if (g.trapDue()) yield g.trap;
    const t1 = g.read('PMCCNTR_EL0');
    mem.u64[LAST] = t1;
    mem.u64[EXECUTED]! += BigInt(cycles);
    mem.u64[COUNTED]! += t1 - t0;
    if (t1 === t0) throw new GuestCrash(`division by zero: PMCCNTR_EL0 did not advance over ${cycles} cycles of work`, g.cpu, 'PMCCNTR_EL0');
    mem.i32[QUANTA]!++;
  },
  report(mem) {
    const s = cycleDividerState(mem);
    return { quanta: s.quanta, executed: String(s.executed), counted: String(s.counted), monotonic: s.monotonic };
  },
};

export interface CycleDividerState {
  quanta: number;
  executed: bigint;
  counted: bigint;
  monotonic: boolean;
}

export function cycleDividerState(mem: GuestMemory): CycleDividerState {
  return {
    quanta: mem.i32[QUANTA]!,
    executed: mem.u64[EXECUTED]!,
    counted: mem.u64[COUNTED]!,
    monotonic: mem.i32[BACKWARDS] === 0,
  };
}
