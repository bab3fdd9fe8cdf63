/**
 * A sampling guest whose overflow handler runs late, at the start of the next quantum (a
 * deferred handler, no PMU interrupt): each quantum it first reads PMOVSSET for the last
 * quantum's wrap and clears it, then programs event counter 0 for CPU_CYCLES just below its
 * 32-bit wrap, counts with PMCR_EL0.E, executes past the wrap and stops counting (E clear).
 * On a partitioned PMU (spec §6.4–§6.6) the overflow flag crosses vcpu_put in hardware, and
 * under the debug-register rule the stopped PMU goes back to FREE: the next quantum's first
 * access takes it again (`kvm_pmu_set_physical_access`).
 */
import { PMCR } from '../arch/pmu-bits.js';
import { countAcrossWrap, wrapped } from './near-wrap.js';
import type { Workload } from './workload.js';

// Guest memory i32: 0 quanta, 1 overflows seen, 2 overflows lost, 3 spurious flags, 4 the last quantum wrapped.
const QUANTA = 0;
const SEEN = 1;
const LOST = 2;
const SPURIOUS = 3;
const WRAPPED = 4;

export const sampler: Workload = {
  name: 'sampler',
  description: 'counts one 32-bit wrap of event counter 0 per quantum and reads its overflow flag at the start of the next quantum',
  *quantum(g, mem, { cycles }) {
    if (g.trapDue()) yield g.trap;
    const ovs = g.read('PMOVSSET_EL0') & 1n;
    if (ovs !== 0n) {
      mem.i32[mem.i32[WRAPPED] ? SEEN : SPURIOUS]!++;
      if (g.trapDue()) yield g.trap;
      g.write('PMOVSCLR_EL0', ovs);
    } else if (mem.i32[WRAPPED]) {
      mem.i32[LOST]!++;
    }
    const start = yield* countAcrossWrap(g, cycles);
    if (g.trapDue()) yield g.trap;
    g.write('PMCR_EL0', PMCR.LC);
    if (g.trapDue()) yield g.trap;
    const value = g.read('PMEVCNTR0_EL0');
    mem.i32[WRAPPED] = wrapped(value, start) ? 1 : 0;
    mem.i32[QUANTA]!++;
  },
  report: (mem) => ({ quanta: mem.i32[QUANTA]!, overflows: mem.i32[SEEN]!, lostOverflows: mem.i32[LOST]!, spuriousOverflows: mem.i32[SPURIOUS]! }),
};
