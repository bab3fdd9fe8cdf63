/**
 * The lab's own look at the VM once the client is done: PMCR_EL0.N read back, then vCPU0
 * run once on every pCPU with a guest that enables the cycle counter, executes, and checks
 * that PMCCNTR_EL0 advanced. Recorded under the actor 'lab'.
 */
import { uapi } from '../arch/uapi.js';
import type { RunResult } from '../kvm/arm.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';
import { GuestUndefined } from '../kvm/guest-undefined.js';
import type { TracedVcpu } from './trace.js';

const CYCLE_BIT = 1n << 31n;
const PMCR_E = 1n;
const PMCR_N_SHIFT = 11n;
const PMCR_N_MASK = 0x1fn;
const EXEC_CYCLES = 1000;

/** PMCR_EL0.N of the vCPU, or null where the register is hidden / unreadable. */
export function readNrCounters(vcpu: TracedVcpu): number | null {
  const r = vcpu.getReg('lab', 'PMCR_EL0');
  return r.ret === 0 ? Number((r.value >> PMCR_N_SHIFT) & PMCR_N_MASK) : null;
}

/** Guest program: enable PMCCNTR, execute, report how far it moved (null: UNDEFINED). */
function cycleCounterDelta(g: GuestCpu): bigint | null {
  try {
    g.write('PMCNTENSET_EL0', CYCLE_BIT);
    g.write('PMCR_EL0', g.read('PMCR_EL0') | PMCR_E);
    const before = g.read('PMCCNTR_EL0');
    g.exec(EXEC_CYCLES);
    const after = g.read('PMCCNTR_EL0');
    g.write('PMCNTENCLR_EL0', CYCLE_BIT);
    return after - before;
  } catch (e) {
    if (e instanceof GuestUndefined) return null;
    throw e;
  }
}

function entered(r: RunResult): boolean {
  return r.ret === 0 && r.exitReason !== uapi.KVM_EXIT_FAIL_ENTRY;
}

function describe(r: RunResult, delta: bigint | null): string {
  if (r.failEntry) return `KVM_EXIT_FAIL_ENTRY (CPU_UNSUPPORTED, cpu ${r.failEntry.cpu})`;
  if (!entered(r)) return 'did not enter the guest';
  if (delta === null) return `guest entered; PMU access UNDEFINED`;
  return `guest entered; PMCCNTR_EL0 +${delta} over ${EXEC_CYCLES} cycles`;
}

export interface CpuReach {
  readonly runnableCpus: number[];
  readonly countingCpus: number[];
}

/** Runs `vcpu` once on each pCPU 0..cpus-1. */
export function measureCpus(vcpu: TracedVcpu, cpus: number): CpuReach {
  const runnableCpus: number[] = [];
  const countingCpus: number[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const seen: { delta: bigint | null } = { delta: null };
    const r = vcpu.run('lab', cpu, (g) => (seen.delta = cycleCounterDelta(g)), (res) => describe(res, seen.delta));
    if (!entered(r)) continue;
    runnableCpus.push(cpu);
    if (seen.delta !== null && seen.delta > 0n) countingCpus.push(cpu);
  }
  return { runnableCpus, countingCpus };
}
