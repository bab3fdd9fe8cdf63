/**
 * Host perf scheduling of a vCPU thread's pinned events onto the physical CPU's PMU
 * register bank (spec §5.2): at sched-in (vcpu_load) every event whose PMU covers the CPU
 * gets a hardware counter; at sched-out (vcpu_put) the hardware count is folded into the
 * event and the counter freed. An event created, released, enabled or disabled while the
 * vCPU is loaded takes effect on the hardware at once. Runs on the thread of that CPU.
 */
import { EV, VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';

/** Puts event i on the current CPU's hardware if it can count there. */
export function scheduleEvent(vcpu: KvmVcpu, i: number): void {
  if (!vcpu.hasFlag(VCPU_FLAG.LOADED) || !vcpu.hasEvent(i) || vcpu.hwSlot(i) >= 0) return;
  const cpu = vcpu.cpu;
  if (!vcpu.vm.host.list.covers(vcpu.eventPmu(i), cpu)) return; // another PMU: never scheduled here
  const banks = vcpu.vm.host.banks;
  const slot = banks.alloc(cpu, vcpu.eventSel(i), vcpu.key * 32 + i, vcpu.eventFlags(i));
  if (slot < 0) return; // no free hardware counter: a pinned event in error state, it does not count
  banks.setEnabled(cpu, slot, (vcpu.eventFlags(i) & EV.ENABLED) !== 0);
  vcpu.setHwSlot(i, slot);
}

/** Takes event i off the hardware, folding the hardware count into the event. */
export function unscheduleEvent(vcpu: KvmVcpu, i: number): void {
  const slot = vcpu.hwSlot(i);
  if (slot < 0) return;
  const banks = vcpu.vm.host.banks;
  vcpu.evCount[i] = (vcpu.evCount[i]! + banks.read(vcpu.cpu, slot)) & ((1n << 64n) - 1n);
  banks.free(vcpu.cpu, slot);
  vcpu.setHwSlot(i, -1);
}

/** The hardware count of event i not yet folded into it. */
export function hardwareCount(vcpu: KvmVcpu, i: number): bigint {
  const slot = vcpu.hwSlot(i);
  return slot < 0 ? 0n : vcpu.vm.host.banks.read(vcpu.cpu, slot);
}

export function setEventEnabled(vcpu: KvmVcpu, i: number, on: boolean): void {
  vcpu.setEventEnabled(i, on);
  const slot = vcpu.hwSlot(i);
  if (slot >= 0) vcpu.vm.host.banks.setEnabled(vcpu.cpu, slot, on);
}

/** Sched-in on `vcpu.cpu` (vcpu_load has set it and the LOADED flag): events in counter order. */
export function schedIn(vcpu: KvmVcpu): void {
  for (let m = vcpu.eventMask(); m !== 0; m &= m - 1) scheduleEvent(vcpu, 31 - Math.clz32(m & -m));
}

/** Sched-out (vcpu_put, before vcpu->cpu changes), in counter order. */
export function schedOut(vcpu: KvmVcpu): void {
  for (let m = vcpu.hwMask(); m !== 0; m &= m - 1) unscheduleEvent(vcpu, 31 - Math.clz32(m & -m));
}
