/**
 * The guest executing on a physical CPU (spec §5.2–§5.3): the CPU's PMU counts
 * CPU_CYCLES / INST_RETIRED into the hardware counters the host scheduled the vCPU's perf
 * events on — only events whose host PMU covers this CPU are there — at an exception level
 * the event does not exclude. Crossing the guest counter's overflow point runs the perf
 * overflow handler: PMOVSSET, chaining, IRQ_PENDING + kick.
 */
import { bit, EVENT, U32 } from '../arch/pmu-bits.js';
import { canChain, counterValue, increment, isLong, overflowsAt64 } from './pmu-emul.js';
import { overflowPending } from './pmu-irq.js';
import { EV, REG, REQ, type KvmVcpu } from './vcpu-state.js';
import { checkFixedCyclesCounted, checkOverflow } from '../check/pmu-oracles.js';
import { directExecute } from './direct-exec.js';

export function executeOn(vcpu: KvmVcpu, cpu: number, el: 0 | 1, cycles: bigint, instructions: bigint): void {
  if (!vcpu.hasPmu()) return;
  // A loaded partitioned context counts on the CPU's own counters (spec §6.1).
  if (vcpu.contextCpu === cpu) return directExecute(vcpu, cpu, el, cycles, instructions);
  checkFixedCyclesCounted(vcpu, cpu, el, cycles);
  const banks = vcpu.vm.host.banks;
  const excluded = el === 0 ? EV.EXCLUDE_USER : EV.EXCLUDE_KERNEL;
  for (let m = vcpu.hwMask(); m !== 0; m &= m - 1) {
    const i = 31 - Math.clz32(m & -m); // the events on the hardware, in counter order
    const slot = vcpu.hwSlot(i);
    if (!banks.enabled(cpu, slot) || (banks.flags(cpu, slot) & excluded) !== 0) continue;
    const sel = vcpu.eventSel(i);
    const n = sel === EVENT.CPU_CYCLES ? cycles : sel === EVENT.INST_RETIRED ? instructions : 0n;
    if (n > 0n) advance(vcpu, cpu, slot, i, n);
  }
}

/** Counts `n` on the hardware counter and runs `kvm_pmu_perf_overflow` once per guest wrap. */
function advance(vcpu: KvmVcpu, cpu: number, slot: number, i: number, n: bigint): void {
  // Planted `overflow-at-64-bits` (§8 item 20): a 64-bit counter's width, not PMCR.LP/LC, decides.
  const width64 = isLong(vcpu, i) && (overflowsAt64(vcpu, i) || vcpu.vm.planted('overflow-at-64-bits'));
  const before = counterValue(vcpu, i);
  const low = width64 ? before : before & U32;
  const wraps = width64 ? (low + n) >> 64n : (low + n) >> 32n;
  vcpu.vm.host.banks.add(cpu, slot, n);
  for (let w = 0n; w < wraps; w++) {
    vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | bit(i));
    if (canChain(vcpu, i)) increment(vcpu, bit(i + 1), EVENT.CHAIN);
  }
  checkOverflow(vcpu, i, before, n, wraps);
  if (wraps > 0n && overflowPending(vcpu)) vcpu.makeRequest(REQ.IRQ_PENDING);
}
