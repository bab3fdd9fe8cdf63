/**
 * The guest executing on a physical CPU (spec §5.2–§5.3): backing perf events count
 * CPU_CYCLES / INST_RETIRED only while the vCPU runs on a CPU their host PMU covers, at an
 * exception level the event does not exclude. Crossing the overflow point runs the perf
 * overflow handler: PMOVSSET, chaining, IRQ_PENDING + kick.
 */
import { bit, EVENT, U32, U64 } from '../arch/pmu-bits.js';
import { canChain, counterValue, increment, isLong, overflowsAt64 } from './pmu-emul.js';
import { overflowStatus } from './pmu-irq.js';
import { EV, REG, REQ, type KvmVcpu } from './vcpu-state.js';

export function executeOn(vcpu: KvmVcpu, cpu: number, el: 0 | 1, cycles: bigint, instructions: bigint): void {
  if (!vcpu.hasPmu()) return;
  const list = vcpu.vm.host.list;
  const excluded = el === 0 ? EV.EXCLUDE_USER : EV.EXCLUDE_KERNEL;
  for (let i = 0; i < 32; i++) {
    if (!vcpu.hasEvent(i)) continue;
    const flags = vcpu.eventFlags(i);
    if ((flags & EV.ENABLED) === 0 || (flags & excluded) !== 0) continue;
    if (!list.covers(vcpu.eventPmu(i), cpu)) continue; // the root of the whole problem
    const sel = vcpu.eventSel(i);
    const n = sel === EVENT.CPU_CYCLES ? cycles : sel === EVENT.INST_RETIRED ? instructions : 0n;
    if (n > 0n) advance(vcpu, i, n);
  }
}

/** Adds `n` to event i's count and runs `kvm_pmu_perf_overflow` once per wrap. */
function advance(vcpu: KvmVcpu, i: number, n: bigint): void {
  const width64 = isLong(vcpu, i) && overflowsAt64(vcpu, i);
  const before = counterValue(vcpu, i);
  const low = width64 ? before : before & U32;
  const wraps = width64 ? (low + n) >> 64n : (low + n) >> 32n;
  vcpu.evCount[i] = (vcpu.evCount[i]! + n) & U64;
  for (let w = 0n; w < wraps; w++) {
    vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | bit(i));
    if (canChain(vcpu, i)) increment(vcpu, bit(i + 1), EVENT.CHAIN);
  }
  if (wraps > 0n && overflowStatus(vcpu) !== 0n) vcpu.makeRequest(REQ.IRQ_PENDING);
}
