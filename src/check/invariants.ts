/**
 * Runtime checks of the invariants of spec §8 that a race-finding run must keep. A
 * `InvariantMonitor` watches one VM: call `before()` ahead of each operation and
 * `after(op)` with what the operation returned; it answers with the violations found.
 * Items checked: 3, 4, 5, 7, 9, 11, 12 and 13 (the SET_NR_COUNTERS-after-run hole, which
 * mainline has on purpose; once it has happened, 9 and the guest side of 12 follow from it
 * and are attributed to 13 instead).
 */
import { PMCR } from '../arch/pmu-bits.js';
import type { RegDesc } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import type { RunResult } from '../kvm/arm.js';
import { implementedMask } from '../kvm/pmu-emul.js';
import { REG, VCPU_FLAG, type KvmVcpu } from '../kvm/vcpu-state.js';
import type { KvmVm } from '../kvm/vm-state.js';

export interface Violation {
  /** spec §8 item number. */
  readonly item: number;
  readonly message: string;
}

export type ObservedOp =
  | { kind: 'init'; vcpu: KvmVcpu; ret: number }
  | { kind: 'set-attr'; vcpu: KvmVcpu; attr: number; ret: number }
  | { kind: 'set-one-reg'; vcpu: KvmVcpu; reg: RegDesc; value: bigint; ret: number }
  | { kind: 'get-one-reg'; vcpu: KvmVcpu; reg: RegDesc; value: bigint; ret: number }
  | { kind: 'guest-read'; vcpu: KvmVcpu; reg: RegDesc; value: bigint }
  | { kind: 'guest-write'; vcpu: KvmVcpu; reg: RegDesc }
  | { kind: 'run'; vcpu: KvmVcpu; cpu: number; result: RunResult }
  | { kind: 'other' };

const BITMAPS = new Set(['PMCNTENSET', 'PMCNTENCLR', 'PMINTENSET', 'PMINTENCLR', 'PMOVSSET', 'PMOVSCLR']);

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export class InvariantMonitor {
  private armPmuChosen = false;
  private filterAtFirstRun: string | undefined;
  /** §8 item 13 happened: N changed after the VM ran. */
  nChangedAfterRun = false;
  private prev = { ranOnce: false, armPmu: -1, n: 0, initialized: [] as boolean[] };

  constructor(readonly vm: KvmVm) {}

  before(): void {
    const vm = this.vm;
    this.prev = {
      ranOnce: vm.hasRanOnce(),
      armPmu: vm.armPmu,
      n: vm.nrPmuCounters,
      initialized: vm.vcpus.map((v) => v.hasFlag(VCPU_FLAG.INITIALIZED)),
    };
  }

  after(op: ObservedOp): Violation[] {
    const out: Violation[] = [];
    const vm = this.vm;
    const was = this.prev;
    const v = (item: number, message: string) => out.push({ item, message });

    // 13: nr_pmu_counters constant once any vCPU ran.
    if (was.ranOnce && vm.nrPmuCounters !== was.n) {
      this.nChangedAfterRun = true;
      v(13, `nr_pmu_counters changed ${was.n} → ${vm.nrPmuCounters} after the VM ran`);
    }
    // 3: arm_pmu non-NULL after the first PMU INIT; changes only via SET_PMU before first run.
    if (op.kind === 'init' && op.ret === 0 && op.vcpu.hasPmu()) this.armPmuChosen = true;
    if (this.armPmuChosen && vm.armPmu < 0) v(3, 'arm_pmu is NULL after a PMU vCPU was initialised');
    if (vm.armPmu !== was.armPmu && was.armPmu >= 0) {
      const viaSetPmu = op.kind === 'set-attr' && op.attr === uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU && op.ret === 0;
      if (!viaSetPmu || was.ranOnce) v(3, `arm_pmu changed ${was.armPmu} → ${vm.armPmu} outside a pre-run SET_PMU`);
    }
    // 4: no guest entry on a CPU outside supported_cpus; FAIL_ENTRY names the CPU.
    if (op.kind === 'run' && op.result.ret === 0) {
      const failed = op.result.exitReason === uapi.KVM_EXIT_FAIL_ENTRY;
      if (!vm.supportsCpu(op.cpu) && !(failed && op.result.failEntry?.cpu === op.cpu)) {
        v(4, `guest entered on cpu ${op.cpu}, outside supported_cpus`);
      }
      if (vm.supportsCpu(op.cpu) && failed) v(4, `FAIL_ENTRY on cpu ${op.cpu}, which supported_cpus contains`);
    }
    // 5: FILTER / SET_PMU after the first run fail; the filter is immutable afterwards.
    if (op.kind === 'set-attr' && was.ranOnce && op.ret === 0) {
      if (op.attr === uapi.KVM_ARM_VCPU_PMU_V3_FILTER || op.attr === uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU) {
        v(5, `attribute ${op.attr} succeeded after the VM ran`);
      }
    }
    if (vm.hasRanOnce()) {
      const filter = this.filterDigest();
      this.filterAtFirstRun ??= filter;
      if (filter !== this.filterAtFirstRun) v(5, 'the event filter changed after the VM ran');
    }
    // 11: N ≤ max counters; reset keeps N; a too-large userspace N is ignored.
    if (vm.nrPmuCounters > vm.maxCounters()) v(11, `N = ${vm.nrPmuCounters} exceeds max counters ${vm.maxCounters()}`);
    if (op.kind === 'init' && was.initialized[op.vcpu.id] && vm.nrPmuCounters !== was.n) {
      v(11, `vCPU reset changed N ${was.n} → ${vm.nrPmuCounters}`);
    }
    if (op.kind === 'set-one-reg' && op.reg.kind === 'PMCR') {
      const asked = Number((op.value >> PMCR.N_SHIFT) & PMCR.N_MASK);
      if (asked > vm.maxCounters() && vm.nrPmuCounters !== was.n) v(11, `userspace N ${asked} > max was not ignored`);
    }
    // 12: no bit ≥ N (but 31) read as 1 by userspace or by the guest.
    if ((op.kind === 'get-one-reg' && op.ret === 0) || (op.kind === 'guest-read' && !this.nChangedAfterRun)) {
      if (BITMAPS.has(op.reg.kind)) {
        const extra = op.value & ~implementedMask(op.vcpu);
        if (extra !== 0n) v(12, `${op.kind} of ${op.reg.name} = ${hex(op.value)} has unimplemented bits ${hex(extra)}`);
      }
    }
    // 7: a guest PMCR write never leaves C/P stored (they are actions, f6da81f650fa).
    // Userspace SET_ONE_REG keeps bits 7:0 as written (spec §4.3), so it is not checked.
    if (op.kind === 'guest-write' && op.reg.kind === 'PMCR') {
      const pmcr = op.vcpu.reg(REG.PMCR);
      if ((pmcr & (PMCR.C | PMCR.P)) !== 0n) v(7, `${op.vcpu.name} stored PMCR ${hex(pmcr)} has C/P set after a guest write`);
    }
    for (const vcpu of vm.vcpus) this.checkVcpuState(vcpu, v);
    return out;
  }

  private checkVcpuState(vcpu: KvmVcpu, v: (item: number, message: string) => void): void {
    // 9: no perf event for an unimplemented counter.
    if (this.nChangedAfterRun) return;
    const implemented = implementedMask(vcpu);
    for (let i = 0; i < 32; i++) {
      if (vcpu.hasEvent(i) && (implemented & (1n << BigInt(i))) === 0n) {
        v(9, `${vcpu.name} has a perf event for unimplemented counter ${i} (N = ${this.vm.nrPmuCounters})`);
      }
    }
  }

  private filterDigest(): string {
    if (!this.vm.hasFilter()) return 'none';
    let h = 0;
    for (let e = 0; e < 0x10000; e += 1) if (this.vm.filterAllows(e)) h = (h * 31 + e) | 0;
    return String(h);
  }
}

export function formatViolations(vs: readonly Violation[]): string {
  return vs.map((x) => `§8 item ${x.item}: ${x.message}`).join('\n');
}
