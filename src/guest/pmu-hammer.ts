/**
 * The PMU hammer: as many trapped PMU register accesses per quantum as asked, mixing
 * reads of the cycle counter and PMSELR-indexed accesses — the trap path at full speed.
 */
import { register } from '../arch/registers.js';
import type { Workload } from './workload.js';

/** The registers it hammers, resolved once (a name is a map lookup per access). */
export const HAMMER_REGS = Object.freeze({
  PMCCNTR: register('PMCCNTR_EL0'),
  PMSELR: register('PMSELR_EL0'),
  PMXEVTYPER: register('PMXEVTYPER_EL0'),
  PMCR: register('PMCR_EL0'),
});
const { PMCCNTR, PMSELR, PMXEVTYPER, PMCR } = HAMMER_REGS;

const QUANTA = 0;
const ACCESSES = 0; // u64: an i32 would overflow past 2^31 accesses
export const pmuHammer: Workload = {
  name: 'pmu-hammer',
  description: 'guest PMU register accesses as fast as possible (cycle counter, PMSELR, PMXEVTYPER)',
  *quantum(g, mem, { accesses, cycles }) {
    for (let k = 0; k < accesses; k += 4) {
      if (g.trapDue()) yield g.trap;
      g.read(PMCCNTR);
      if (g.trapDue()) yield g.trap;
      g.write(PMSELR, 31n);
      if (g.trapDue()) yield g.trap;
      g.read(PMXEVTYPER);
      if (g.trapDue()) yield g.trap;
      g.read(PMCR);
    }
    g.exec(cycles, cycles);
    mem.i32[QUANTA]!++;
    mem.u64[ACCESSES]! += BigInt(accesses);
  },
  report: (mem) => ({ quanta: mem.i32[QUANTA]!, accesses: String(mem.u64[ACCESSES]!) }),
};
