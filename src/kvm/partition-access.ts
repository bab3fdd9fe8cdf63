/**
 * Where a partitioned vCPU's guest PMU access goes (spec §6.2, §6.5): untrapped onto the
 * hardware while its context is loaded (except what FGT still traps); trapped otherwise —
 * the first trapped access takes the PMU for the guest (`kvm_pmu_set_physical_access`),
 * which may load the context at once. Without FEAT_FGT every access traps, and the common
 * ones are served by the hyp fast path (`kvm_hyp_handle_pmu_regs`) instead of a full exit.
 * Each access is counted per vCPU (PSTAT: direct, fast path, full exit).
 */
import type { RegDesc, RegKind } from '../arch/registers.js';
import { directRead, directWrite } from './direct-regs.js';
import { setPhysicalAccess } from './pmu-direct.js';
import { guestRead, guestWrite } from './sys-regs.js';
import { PSTAT, type KvmVcpu } from './vcpu-state.js';

/** Registers FGT keeps trapping for a loaded context (spec §6.2; PMOVS: direct-regs.ts). */
const FGT_TRAPPED: ReadonlySet<RegKind> = new Set<RegKind>([
  'PMEVTYPER', 'PMXEVTYPER', 'PMCCFILTR', 'PMCEID0', 'PMCEID1', 'PMMIR', 'PMOVSSET', 'PMOVSCLR', 'PMICNTR', 'PMICFILTR', 'MDCR_EL2',
]);

/** The accesses the no-FGT hyp fast path serves without a full exit (spec §6.2). */
const FAST_PATH: ReadonlySet<RegKind> = new Set<RegKind>([
  'PMEVCNTR', 'PMCCNTR', 'PMXEVCNTR', 'PMSELR', 'PMCNTENSET', 'PMCNTENCLR', 'PMINTENSET', 'PMINTENCLR', 'PMOVSSET', 'PMOVSCLR', 'PMUSERENR',
]);

/** How an access was served: its value (reads) and whether it took a full exit to KVM. */
export interface PartitionedAccess {
  value: bigint;
  exit: boolean;
}

/** A guest read (`write` undefined) or write of a partitioned vCPU running on `cpu`. */
export function partitionedAccess(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, cpu: number, write?: bigint): PartitionedAccess {
  if (vcpu.contextCpu >= 0 && !FGT_TRAPPED.has(d.kind)) {
    vcpu.countStat(PSTAT.DIRECT);
    return { value: access(vcpu, d, el, write, true), exit: false };
  }
  // KVM's handler serves it first: an UNDEF (a fine-grained one, an index or EL check) is
  // injected before the PMU is taken for the guest, so it has no side effect (API.md). Then
  // `kvm_pmu_set_physical_access`, whose immediate load (v5) carries what this access wrote.
  const loaded = vcpu.contextCpu >= 0;
  const value = access(vcpu, d, el, write, loaded);
  setPhysicalAccess(vcpu, cpu);
  const fast = !loaded && !vcpu.vm.host.topology.features.fgt && FAST_PATH.has(d.kind);
  vcpu.countStat(fast ? PSTAT.FAST_PATH : PSTAT.FULL_EXITS);
  return { value, exit: !fast };
}

function access(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: bigint | undefined, loaded: boolean): bigint {
  if (write === undefined) return loaded ? directRead(vcpu, d, el) : guestRead(vcpu, d, el);
  if (loaded) directWrite(vcpu, d, write, el);
  else guestWrite(vcpu, d, write, el);
  return 0n;
}
