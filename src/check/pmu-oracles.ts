/**
 * PMU-semantics oracles (spec §8 items 4, 6, 8, 9, 10, 12, 20, 26), called by the model
 * where counters, events and bitmaps change or are read, and at every guest entry. They
 * recompute what the architecture says from the registers instead of reusing the model's
 * helper for the same decision, so a bug planted in that helper is seen. (Counters
 * monotonic modulo overflow is checked by the guests that read them: perf-stat's report.)
 */
import { bit, CYCLE_IDX, PMCR, U32, U64 } from '../arch/pmu-bits.js';
import { counterValue, implementedMask, implementedMask32, pmcEnabled } from '../kvm/pmu-emul.js';
import { EV, REG, type KvmVcpu } from '../kvm/vcpu-state.js';
import { violated } from './oracles.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Items 4 and 26, as the guest is entered on `cpu`. */
export function checkGuestEntry(vcpu: KvmVcpu, cpu: number): void {
  const vm = vcpu.vm;
  const c = vm.host.checks;
  if (c['guest-entry-outside-supported-cpus'] && !vm.supportsCpu(cpu)) {
    violated('guest-entry-outside-supported-cpus', `${vcpu.name} entered the guest on cpu ${cpu}, outside the VM's supported_cpus`);
  }
  if (c['cycle-counter-on-current-pmu'] && vm.fixedCountersOnly() && vcpu.hasEvent(CYCLE_IDX) && pmcEnabled(vcpu, CYCLE_IDX)) {
    const pmu = vcpu.eventPmu(CYCLE_IDX);
    if (!vm.host.list.covers(pmu, cpu)) {
      violated('cycle-counter-on-current-pmu', `${vcpu.name} entered on cpu ${cpu} with its cycle counter on ${vm.host.pmuOf(pmu).name}, which does not cover it`);
    }
  }
}

/**
 * Item 26's continuity, as a FIXED-mode guest executes `cycles` on `cpu` at `el`: an
 * enabled cycle counter whose event does not exclude that level is on this CPU's hardware
 * and counting — every cycle executed is counted.
 */
export function checkFixedCyclesCounted(vcpu: KvmVcpu, cpu: number, el: 0 | 1, cycles: bigint): void {
  const vm = vcpu.vm;
  if (!vm.host.checks['fixed-cycles-counted'] || cycles === 0n || !vm.fixedCountersOnly() || !vcpu.hasEvent(CYCLE_IDX)) return;
  const flags = vcpu.eventFlags(CYCLE_IDX);
  if ((flags & EV.ENABLED) === 0 || (flags & (el === 0 ? EV.EXCLUDE_USER : EV.EXCLUDE_KERNEL)) !== 0) return;
  const slot = vcpu.hwSlot(CYCLE_IDX);
  if (slot < 0 || !vm.host.banks.enabled(cpu, slot)) {
    violated('fixed-cycles-counted', `${vcpu.name} executed ${cycles} cycles on cpu ${cpu} uncounted: its cycle counter's event is on ${vm.host.pmuOf(vcpu.eventPmu(CYCLE_IDX)).name}, not on this CPU's hardware`);
  }
}

/** Item 9, as a perf event is bound for counter `i`. */
export function checkEventImplemented(vcpu: KvmVcpu, i: number): void {
  if (!vcpu.vm.host.checks['event-for-unimplemented-counter'] || vcpu.vm.nrCountersChangedAfterRun > 0) return;
  if (((implementedMask32(vcpu) >>> i) & 1) === 0) {
    violated('event-for-unimplemented-counter', `${vcpu.name}: a perf event was created for counter ${i}, N = ${vcpu.vm.nrPmuCounters}`);
  }
}

/**
 * Item 12, on a guest or userspace read of PMCNTEN/PMINTEN/PMOVS. After mainline's
 * SET_NR_COUNTERS-after-run hole (item 13) the guest may see stale bits until the next
 * RELOAD: that is item 13's consequence, not this oracle's.
 */
export function checkBitmapRead(vcpu: KvmVcpu, name: string, value: bigint): void {
  if (!vcpu.vm.host.checks['unimplemented-bits-read-as-zero'] || vcpu.vm.nrCountersChangedAfterRun > 0) return;
  const extra = value & ~implementedMask(vcpu);
  if (extra !== 0n) violated('unimplemented-bits-read-as-zero', `${vcpu.name}: ${name} read ${hex(value)}, unimplemented bits ${hex(extra)} (N = ${vcpu.vm.nrPmuCounters})`);
}

/**
 * Item 12 on a guest read of bitmap register `reg`: the same check on the register's 32-bit
 * halves — a number test per read, a BigInt only for the report.
 */
export function checkBitmapRegRead(vcpu: KvmVcpu, name: string, reg: number): void {
  if (!vcpu.vm.host.checks['unimplemented-bits-read-as-zero'] || vcpu.vm.nrCountersChangedAfterRun > 0) return;
  if ((vcpu.lo(reg) & ~implementedMask32(vcpu)) !== 0 || vcpu.hi(reg) !== 0) checkBitmapRead(vcpu, name, vcpu.reg(reg));
}

/** Item 8, right after SET_ONE_REG of counter `i` (vcpu->mutex held: the vCPU is not running). */
export function checkUserWriteReadBack(vcpu: KvmVcpu, i: number, written: bigint): void {
  if (!vcpu.vm.host.checks['user-write-read-back']) return;
  const long = i === CYCLE_IDX || vcpu.vm.countersAre64bit();
  const expected = long ? written & U64 : written & U32;
  const got = counterValue(vcpu, i);
  if (got !== expected) violated('user-write-read-back', `${vcpu.name}: counter ${i} reads ${hex(got)} right after userspace wrote ${hex(expected)}`);
}

/** Item 6, on a userspace read of counter `i`: what the guest would read now. */
export function checkUserReadIsGuestRead(vcpu: KvmVcpu, i: number, userValue: bigint, guestValue: bigint): void {
  if (vcpu.vm.host.checks['user-read-equals-guest-read'] && userValue !== guestValue) {
    violated('user-read-equals-guest-read', `${vcpu.name}: userspace reads counter ${i} as ${hex(userValue)}, the guest as ${hex(guestValue)}`);
  }
}

/** Item 10, at the end of a vCPU reset, under a profile whose reset re-creates events. */
export function checkResetValues(vcpu: KvmVcpu): void {
  if (!vcpu.vm.host.checks['value-after-reset'] || vcpu.vm.profile.resetKeepsStaleEvents) return;
  for (let i = 0; i < 32; i++) {
    const stored = i === CYCLE_IDX || vcpu.vm.countersAre64bit() ? vcpu.evcntr(i) : vcpu.evcntr(i) & U32;
    const got = counterValue(vcpu, i);
    if (got !== stored) violated('value-after-reset', `${vcpu.name}: counter ${i} reads ${hex(got)} right after reset, reset value ${hex(stored)}`);
  }
}

/**
 * Item 24 (with item 10's oracle), at the end of a vCPU reset under a profile that
 * serialises it: the bitmaps hold their reset value for the N in force now — no bit at or
 * above it, as if no SET_NR_COUNTERS had landed between the reset's read of N and its writes.
 */
export function checkResetBitmaps(vcpu: KvmVcpu): void {
  if (!vcpu.vm.host.checks['value-after-reset'] || !vcpu.vm.profile.serializeRepeatedInit) return;
  const mask = implementedMask(vcpu);
  for (const [name, reg] of [['PMCNTENSET', REG.PMCNTENSET], ['PMINTENSET', REG.PMINTENSET], ['PMOVSSET', REG.PMOVSSET]] as const) {
    const extra = vcpu.reg(reg) & ~mask;
    if (extra !== 0n) violated('value-after-reset', `${vcpu.name}: ${name} = ${hex(vcpu.reg(reg))} right after reset holds bits ${hex(extra)} at or above N = ${vcpu.vm.nrPmuCounters}`);
  }
}

/**
 * Item 20, when the hardware counted `n` for counter `i` whose value was `before` and the
 * model ran the overflow handler `wraps` times: the architecture's count of wraps at the
 * configured width — 64 bits for the cycle counter with PMCR.LC, for a 64-bit event counter
 * (PMUv3p5) with PMCR.LP; else 32 — and PMOVS[i] set iff it wrapped.
 */
export function checkOverflow(vcpu: KvmVcpu, i: number, before: bigint, n: bigint, wraps: bigint): void {
  if (!vcpu.vm.host.checks['overflow-exactly-once']) return;
  const pmcr = vcpu.reg(REG.PMCR);
  const long = i === CYCLE_IDX || vcpu.vm.countersAre64bit();
  const at64 = long && (pmcr & (i === CYCLE_IDX ? PMCR.LC : PMCR.LP)) !== 0n;
  const expected = at64 ? (before + n) >> 64n : ((before & U32) + n) >> 32n;
  if (wraps !== expected) {
    violated('overflow-exactly-once', `${vcpu.name}: counter ${i} counted ${n} from ${hex(before)} (${at64 ? 64 : 32}-bit overflow): ${expected} overflow(s) due, ${wraps} delivered`);
  }
  if (expected > 0n && (vcpu.reg(REG.PMOVSSET) & bit(i)) === 0n) {
    violated('overflow-exactly-once', `${vcpu.name}: counter ${i} wrapped but PMOVSSET[${i}] is clear`);
  }
}
