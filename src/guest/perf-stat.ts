/**
 * A perf-stat-like guest: programs up to four event counters (CPU_CYCLES and INST_RETIRED
 * alternately) plus the cycle counter, and every quantum reads them around some work. A
 * counter must never go backwards unless its overflow flag says it wrapped (then the guest
 * clears the flag, as perf's interrupt handler would). Quanta in which the cycle counter
 * did not move at all are counted as "frozen" — the cross-cluster symptom.
 */
import { EVENT, PMCR } from '../arch/pmu-bits.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';
import type { Op } from '../sync/seam.js';
import type { Workload } from './workload.js';

const MAX_EVENT_COUNTERS = 4;
// Guest memory: u64[0..3] last event counter values, u64[4] last cycle counter;
// i32: 0 programmed counters (N used) + 1, 1 quanta, 2 violations, 3 frozen quanta.
const PROGRAMMED = 0;
const QUANTA = 1;
const VIOLATIONS = 2;
const FROZEN = 3;

function counterName(i: number): string {
  return i === 31 ? 'PMCCNTR_EL0' : `PMEVCNTR${i}_EL0`;
}

function* program(g: GuestCpu): Op<number> {
  if (g.trapDue()) yield g.trap;
  const n = Math.min(MAX_EVENT_COUNTERS, Number((g.read('PMCR_EL0') >> 11n) & 0x1fn));
  let enable = 1n << 31n;
  for (let i = 0; i < n; i++) {
    if (g.trapDue()) yield g.trap;
    g.write(`PMEVTYPER${i}_EL0`, BigInt(i % 2 === 0 ? EVENT.CPU_CYCLES : EVENT.INST_RETIRED));
    if (g.trapDue()) yield g.trap;
    g.write(`PMEVCNTR${i}_EL0`, 0n);
    enable |= 1n << BigInt(i);
  }
  if (g.trapDue()) yield g.trap;
  g.write('PMCCNTR_EL0', 0n);
  if (g.trapDue()) yield g.trap;
  g.write('PMCNTENSET_EL0', enable);
  if (g.trapDue()) yield g.trap;
  g.write('PMCR_EL0', PMCR.E | PMCR.LC);
  return n;
}

/** Reads each counter of `idx`, one trapped access each. */
function* readCounters(g: GuestCpu, idx: readonly number[]): Op<bigint[]> {
  const values: bigint[] = [];
  for (const i of idx) {
    if (g.trapDue()) yield g.trap;
    values.push(g.read(counterName(i)));
  }
  return values;
}

export const perfStat: Workload = {
  name: 'perf-stat',
  description: 'programs event counters and the cycle counter, checks they are monotonic modulo overflow',
  *quantum(g, mem, { cycles }) {
    if (mem.i32[PROGRAMMED] === 0) mem.i32[PROGRAMMED] = (yield* program(g)) + 1;
    const n = mem.i32[PROGRAMMED]! - 1;
    const idx = [...Array.from({ length: n }, (_, i) => i), 31];
    const before = yield* readCounters(g, idx);
    g.exec(cycles, cycles);
    const after = yield* readCounters(g, idx);
    if (g.trapDue()) yield g.trap;
    const ovs = g.read('PMOVSSET_EL0');
    idx.forEach((i, k) => {
      const slot = i === 31 ? MAX_EVENT_COUNTERS : i;
      const wrapped = (ovs & (1n << BigInt(i))) !== 0n;
      if (mem.i32[QUANTA]! > 0 && before[k]! < mem.u64[slot]! && !wrapped) mem.i32[VIOLATIONS]!++;
      if (after[k]! < before[k]! && !wrapped) mem.i32[VIOLATIONS]!++;
      mem.u64[slot] = after[k]!;
    });
    if (ovs !== 0n) {
      if (g.trapDue()) yield g.trap;
      g.write('PMOVSCLR_EL0', ovs);
    }
    if (after[after.length - 1] === before[before.length - 1]) mem.i32[FROZEN]!++;
    mem.i32[QUANTA]!++;
  },
  report: (mem) => ({
    quanta: mem.i32[QUANTA]!,
    counters: Math.max(0, mem.i32[PROGRAMMED]! - 1),
    violations: mem.i32[VIOLATIONS]!,
    frozenQuanta: mem.i32[FROZEN]!,
  }),
};
