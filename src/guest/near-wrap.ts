/**
 * What the overflow-counting guests (overflow.ts, sampler.ts) do each quantum: program event
 * counter 0 for CPU_CYCLES half a quantum below its 32-bit wrap, with PMCR_EL0.LP clear (it
 * overflows at 32 bits even where it is 64 bits wide, PMUv3p5), and execute across the wrap.
 */
import { EVENT, PMCR } from '../arch/pmu-bits.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';
import type { Op } from '../sync/seam.js';

/** Counts `cycles` from just below the wrap; returns where counter 0 started. */
export function* countAcrossWrap(g: GuestCpu, cycles: number): Op<bigint> {
  const start = 2n ** 32n - BigInt(Math.max(1, Math.floor(cycles / 2)));
  if (g.trapDue()) yield g.trap;
  g.write('PMEVTYPER0_EL0', BigInt(EVENT.CPU_CYCLES));
  if (g.trapDue()) yield g.trap;
  g.write('PMEVCNTR0_EL0', start);
  if (g.trapDue()) yield g.trap;
  g.write('PMCNTENSET_EL0', 1n);
  if (g.trapDue()) yield g.trap;
  g.write('PMCR_EL0', PMCR.E | PMCR.LC);
  g.exec(cycles, cycles);
  return start;
}

/** Whether counter 0, read as `value`, went past the wrap since it started at `start`. */
export function wrapped(value: bigint, start: bigint): boolean {
  return (value & 0xffff_ffffn) < (start & 0xffff_ffffn);
}
