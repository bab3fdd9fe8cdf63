/**
 * Host-side state KVM keeps for a vCPU (API.md "Partitioned PMU", spec §6.2, §6.5): what
 * `vcpu.hostState()` returns and what run reports show for each vCPU.
 */
import { PMU_ACCESS, VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';

export interface VcpuHostState {
  /** MDCR_EL2 as programmed at the vCPU's last load; 0n before the first (a lazy switch mid-run shows at the next load). */
  mdcrEl2: bigint;
  /** The lazy owner of §6.5: 'host' = FREE, 'guest' = GUEST_OWNED. */
  pmuOwner: 'host' | 'guest';
  /** The CPU the vCPU is loaded on, -1 if none (always -1 between runs). */
  loadedOn: number;
}

export function hostState(v: KvmVcpu): VcpuHostState {
  return {
    mdcrEl2: v.mdcrAtLoad,
    pmuOwner: v.pmuAccess === PMU_ACCESS.GUEST_OWNED ? 'guest' : 'host',
    loadedOn: v.hasFlag(VCPU_FLAG.LOADED) ? v.cpu : -1,
  };
}
