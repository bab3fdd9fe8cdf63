/**
 * Userspace KVM_GET_ONE_REG / KVM_SET_ONE_REG of the PMU registers (spec §4.1 userspace
 * columns, §4.3). Hidden registers (vCPU without the PMU feature) are -ENOENT; registers
 * userspace cannot reach at all (PMCEID*, PMXEV*, MDCR_EL2 without NV) are -ENOENT too.
 */
import { PMCR, U32, U64 } from '../arch/pmu-bits.js';
import { errno } from '../arch/errno.js';
import type { RegDesc } from '../arch/registers.js';
import type { Op } from '../sync/seam.js';
import { accessibleMask, counterValue, isLong, readPmcr, releasePerfEvent } from './pmu-emul.js';
import { REG, REQ, VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';
import { guestCounterValue } from './sys-regs.js';
import { checkBitmapRead, checkUserReadIsGuestRead, checkUserWriteReadBack } from '../check/pmu-oracles.js';

export interface OneRegResult {
  ret: number;
  value: bigint;
}

function reachable(vcpu: KvmVcpu, d: RegDesc): number {
  if (!vcpu.hasFlag(VCPU_FLAG.INITIALIZED)) return -errno.ENOEXEC; // before KVM_ARM_VCPU_INIT
  if (!vcpu.hasPmu() || d.oneRegId === undefined || d.kind === 'MDCR_EL2') return -errno.ENOENT;
  return 0;
}

const BITMAP_REG: Partial<Record<RegDesc['kind'], number>> = {
  PMCNTENSET: REG.PMCNTENSET,
  PMCNTENCLR: REG.PMCNTENSET,
  PMINTENSET: REG.PMINTENSET,
  PMINTENCLR: REG.PMINTENSET,
  PMOVSSET: REG.PMOVSSET,
  PMOVSCLR: REG.PMOVSSET,
};

/** The counter register as stored, without its perf event's live count. */
function storedCounterValue(vcpu: KvmVcpu, i: number): bigint {
  return isLong(vcpu, i) ? vcpu.evcntr(i) : vcpu.evcntr(i) & U32;
}

export function getOneReg(vcpu: KvmVcpu, d: RegDesc): OneRegResult {
  const ret = reachable(vcpu, d);
  if (ret) return { ret, value: 0n };
  const bitmap = BITMAP_REG[d.kind];
  if (bitmap !== undefined) {
    // Planted `bitmaps-unsanitised` (§8 item 12): the raw register, as before a45f41d754e0.
    const value = vcpu.vm.planted('bitmaps-unsanitised') ? vcpu.reg(bitmap) : vcpu.reg(bitmap) & accessibleMask(vcpu);
    checkBitmapRead(vcpu, d.name, value);
    return { ret: 0, value };
  }
  switch (d.kind) {
    case 'PMCR':
      return { ret: 0, value: readPmcr(vcpu) };
    case 'PMCCNTR':
    case 'PMEVCNTR': {
      // Planted `user-read-stale-counter` (§8 item 6, before 9228b26194d1): the stored value only.
      const value = vcpu.vm.planted('user-read-stale-counter') ? storedCounterValue(vcpu, d.index) : counterValue(vcpu, d.index);
      checkUserReadIsGuestRead(vcpu, d.index, value, guestCounterValue(vcpu, d.index));
      return { ret: 0, value };
    }
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      return { ret: 0, value: vcpu.evtyper(d.index) };
    case 'PMSELR':
      return { ret: 0, value: vcpu.reg(REG.PMSELR) };
    case 'PMUSERENR':
      return { ret: 0, value: vcpu.reg(REG.PMUSERENR) };
    default: // PMSWINC, PMMIR: read as zero
      return { ret: 0, value: 0n };
  }
}

/** `set_pmcr` (spec §4.3): N under config_lock, silently ignored when not acceptable. */
function* setPmcr(vcpu: KvmVcpu, v: bigint): Op<number> {
  const vm = vcpu.vm;
  yield vm.configLock.acquire;
  const newN = Number((v >> PMCR.N_SHIFT) & PMCR.N_MASK);
  // A partitioned VM's N is HPMN, set only through SET_NR_COUNTERS (spec §6.3, v6).
  if (!vm.hasRanOnce() && !vm.partitioned() && newN <= vm.maxCounters()) vm.nrPmuCounters = newN;
  yield vm.configLock.release;
  let val = v & PMCR.WRITABLE; // LP is not sanitised here (spec §8 item 21)
  if (!vm.host.topology.aarch32El0) val |= PMCR.LC;
  vcpu.setReg(REG.PMCR, val);
  vcpu.makeRequest(REQ.RELOAD_PMU);
  return 0;
}

export function* setOneReg(vcpu: KvmVcpu, d: RegDesc, value: bigint): Op<number> {
  const ret = reachable(vcpu, d);
  if (ret) return ret;
  const v = value & U64;
  const bitmap = BITMAP_REG[d.kind];
  if (bitmap !== undefined) {
    // Raw value: a CLR id writes the same register as its SET id, it is not a clear.
    // Planted `bitmaps-unsanitised` (§8 item 12, before 27131b199f9f): unmasked.
    vcpu.setReg(bitmap, vcpu.vm.planted('bitmaps-unsanitised') ? v : v & accessibleMask(vcpu));
    vcpu.makeRequest(REQ.RELOAD_PMU);
    return 0;
  }
  switch (d.kind) {
    case 'PMCR':
      return yield* setPmcr(vcpu, v);
    case 'PMCCNTR':
    case 'PMEVCNTR':
      // The live count is lost — unless planted `set-one-reg-keeps-event` (§8 item 8,
      // before 64074ca8ca92) leaves the event counting on top of the stored value.
      if (!vcpu.vm.planted('set-one-reg-keeps-event')) releasePerfEvent(vcpu, d.index);
      vcpu.setReg(REG.EVCNTR + d.index, v);
      checkUserWriteReadBack(vcpu, d.index, v);
      vcpu.makeRequest(REQ.RELOAD_PMU);
      return 0;
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      vcpu.setReg(REG.EVTYPER + d.index, v); // raw, no event re-creation (spec §8 item 16)
      return 0;
    case 'PMSELR':
      vcpu.setReg(REG.PMSELR, v);
      return 0;
    case 'PMUSERENR':
      vcpu.setReg(REG.PMUSERENR, v);
      return 0;
    default: // PMSWINC, PMMIR: write ignored
      return 0;
  }
}
