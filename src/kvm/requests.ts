/**
 * The PMU part of `check_vcpu_requests` plus `flush_hwstate`'s update_state (spec §5.3,
 * §5.4): run at every guest entry, with the vCPU loaded.
 */
import { runLeaf, type Op, type SyncOp } from '../sync/seam.js';
import { reloadPmu } from './pmu-emul.js';
import { updateState } from './pmu-irq.js';
import { REQ, type KvmVcpu } from './vcpu-state.js';

const SERVICED = REQ.IRQ_PENDING | REQ.RELOAD_PMU;

/** Request servicing as leaf work: after a trapped access, inside one step. */
export function serviceRequests(vcpu: KvmVcpu): void {
  // The common case, nothing pending, is every trapped access: no generator for it.
  if ((vcpu.pendingRequests() & SERVICED) === 0) updateState(vcpu);
  else runLeaf(serviceRequestsSteps(vcpu));
}

/**
 * Request servicing before a guest entry, where it runs preemptible: `at` is event
 * creation's FIXED-mode point (one that can migrate the vCPU thread, in a run). A request
 * raised meanwhile (a migration's per-load check) is serviced too before it returns.
 */
export function* serviceRequestsSteps(vcpu: KvmVcpu, at?: SyncOp): Op<void> {
  while ((vcpu.pendingRequests() & SERVICED) !== 0) {
    vcpu.checkRequest(REQ.IRQ_PENDING); // cleared; the level is recomputed below
    if (vcpu.checkRequest(REQ.RELOAD_PMU)) {
      vcpu.trace?.('service', REQ.RELOAD_PMU);
      yield* reloadPmu(vcpu, at);
    }
  }
  updateState(vcpu);
}
