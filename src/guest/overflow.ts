/**
 * A guest that counts overflows, as perf's sampling does: every quantum it programs event
 * counter 0 for CPU_CYCLES half a quantum below the 32-bit wrap, with PMCR_EL0.LP clear (the
 * counter overflows at 32 bits even where it is 64 bits wide, PMUv3p5), executes, and reads
 * PMOVSSET. A quantum that crossed the wrap without the flag is a lost overflow (§8 item 20).
 */
import { countAcrossWrap, wrapped } from './near-wrap.js';
import type { Workload } from './workload.js';

// Guest memory i32: 0 quanta, 1 overflows seen, 2 overflows lost.
const QUANTA = 0;
const SEEN = 1;
const LOST = 2;

export const overflow: Workload = {
  name: 'overflow',
  description: 'programs a cycle-counting event counter just below its 32-bit wrap every quantum and checks PMOVSSET',
  *quantum(g, mem, { cycles }) {
    const start = yield* countAcrossWrap(g, cycles);
    if (g.trapDue()) yield g.trap;
    const ovs = g.read('PMOVSSET_EL0');
    if (g.trapDue()) yield g.trap;
    const value = g.read('PMEVCNTR0_EL0');
    // Counted past the wrap (on a CPU whose PMU counts for this counter): the flag must be up.
    if ((ovs & 1n) !== 0n) mem.i32[SEEN]!++;
    else if (wrapped(value, start)) mem.i32[LOST]!++;
    if (ovs !== 0n) {
      if (g.trapDue()) yield g.trap;
      g.write('PMOVSCLR_EL0', ovs);
    }
    mem.i32[QUANTA]!++;
  },
  report: (mem) => ({ quanta: mem.i32[QUANTA]!, overflows: mem.i32[SEEN]!, lostOverflows: mem.i32[LOST]! }),
};
