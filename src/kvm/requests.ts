/**
 * The PMU part of `check_vcpu_requests` plus `flush_hwstate`'s update_state (spec §5.3,
 * §5.4): run at every guest entry, with the vCPU loaded.
 */
import { reloadPmu } from './pmu-emul.js';
import { updateState } from './pmu-irq.js';
import { REQ, type KvmVcpu } from './vcpu-state.js';

export function serviceRequests(vcpu: KvmVcpu): void {
  if (vcpu.pendingRequests() !== 0) {
    vcpu.checkRequest(REQ.IRQ_PENDING); // cleared; the level is recomputed below
    if (vcpu.checkRequest(REQ.RELOAD_PMU)) {
      vcpu.trace?.('service', REQ.RELOAD_PMU);
      reloadPmu(vcpu);
    }
  }
  updateState(vcpu);
}
