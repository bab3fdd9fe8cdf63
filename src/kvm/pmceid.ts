/**
 * PMCEID0_EL0 / PMCEID1_EL0 as the guest reads them (spec §4.8).
 */
import { EVENT } from '../arch/pmu-bits.js';
import type { KvmVcpu } from './vcpu-state.js';

/** Bits of `events` in [from, from + 32), as a 32-bit bigint. */
function eventBits(events: readonly number[], from: number): bigint {
  let v = 0n;
  for (const e of events) if (e >= from && e < from + 32) v |= 1n << BigInt(e - from);
  return v;
}

/** `kvm_pmu_get_pmceid(vcpu, pmceid1)`. */
export function pmceid(vcpu: KvmVcpu, which: 0 | 1): bigint {
  const vm = vcpu.vm;
  if (vm.fixedCountersOnly() || vm.armPmu < 0) return 0n;
  const events = vm.host.pmuOf(vm.armPmu).events;
  const base = which === 0 ? 0 : 32;
  let val = eventBits(events, base) | (eventBits(events, 0x4000 + base) << 32n);
  if (which === 0) {
    val |= 1n << BigInt(EVENT.SW_INCR);
    val |= 1n << BigInt(EVENT.CHAIN);
  } else {
    for (const e of [EVENT.STALL_SLOT_BACKEND, EVENT.STALL_SLOT_FRONTEND, EVENT.STALL_SLOT]) {
      val &= ~(1n << BigInt(e - 32));
    }
  }
  if (!vm.hasFilter()) return val;
  const nrEvents = vm.eventMask() + 1;
  let mask = 0n;
  for (let b = 0; b < 32; b++) {
    if (vm.filterAllows(base + b)) mask |= 1n << BigInt(b);
    if (nrEvents >= 0x4000 + base + 32 && vm.filterAllows(0x4000 + base + b)) mask |= 1n << BigInt(32 + b);
  }
  return val & mask;
}
