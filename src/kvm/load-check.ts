/**
 * `kvm_vcpu_load_pmu`: the per-load check of a FIXED_COUNTERS_ONLY vCPU (spec §5.5) in the
 * designs the series and its review discussed (profile switch `loadCheck`, a locking
 * design of `vpmu-lab compare`):
 * - `probe` (v8 9/11, the series as posted): the vCPU moved (cpu ≠ last_cpu ≠ −1) and
 *   `probe(cpu)` ≠ `probe(last_cpu)` — two walks of `arm_pmus` under its read side.
 * - `every-counter`: every enabled counter whose perf event is bound to a PMU that does not
 *   cover the current CPU — no `arm_pmus` read side (the event's own PMU is read), a loop
 *   over every counter at every load.
 * - `cycle-only` (v4–v7, as Marc Zyngier asked in review: only the cycle counter can exist
 *   in FIXED mode): the cycle counter enabled, with an event, on a PMU not covering the CPU.
 * - `none`: no check (the design the planted bug `no-per-load-check` re-opens): a migrated
 *   vCPU's cycle counter stays on the old cluster's PMU.
 * A check that fires raises KVM_REQ_RELOAD_PMU; the reload re-creates the cycle counter on
 * the current CPU's PMU.
 */
import { CYCLE_IDX } from '../arch/pmu-bits.js';
import type { Op } from '../sync/seam.js';
import { NO_STEPS } from './no-steps.js';
import { pmcEnabled } from './pmu-emul.js';
import { REQ, type KvmVcpu } from './vcpu-state.js';

/**
 * The check at vcpu_load. Only v8's probe takes seam steps (its walks); every other design,
 * and the probe when the vCPU did not move, returns NO_STEPS — no generator on the load
 * path, whose cost the benchmark's load-put measures.
 */
export function loadPmu(vcpu: KvmVcpu, cpu: number, lastCpu: number): Op<void> {
  const vm = vcpu.vm;
  if (!vm.fixedCountersOnly() || vm.planted('no-per-load-check')) return NO_STEPS;
  const check = vm.profile.loadCheck;
  if (check === 'probe') return cpu === lastCpu || lastCpu === -1 ? NO_STEPS : probedAnotherPmu(vcpu, cpu, lastCpu);
  if (check === 'every-counter' ? anyCounterOnForeignPmu(vcpu, cpu, 0, CYCLE_IDX) : check === 'cycle-only' && anyCounterOnForeignPmu(vcpu, cpu, CYCLE_IDX, CYCLE_IDX)) {
    requestReload(vcpu);
  }
  return NO_STEPS;
}

/** KVM_REQ_RELOAD_PMU from the per-load check. */
function requestReload(vcpu: KvmVcpu): void {
  vcpu.makeRequest(REQ.RELOAD_PMU);
  vcpu.countLoadReload();
}

/** v8, for a vCPU that moved: the CPU it left and the CPU it landed on are served by different host PMU instances. */
function* probedAnotherPmu(vcpu: KvmVcpu, cpu: number, lastCpu: number): Op<void> {
  const list = vcpu.vm.host.list;
  yield list.readLock();
  const moved = list.pointsPerNode ? (yield* list.covering(cpu)) !== (yield* list.covering(lastCpu)) : list.coveringNow(cpu) !== list.coveringNow(lastCpu);
  yield list.readUnlock();
  if (moved) requestReload(vcpu);
}

/**
 * Some enabled counter in [from, to] has an event on a PMU that does not cover `cpu`. An
 * event keeps its PMU entry alive (entries are never removed, spec §1.2), so reading the
 * entry's CPU mask needs no `arm_pmus` read side.
 */
function anyCounterOnForeignPmu(vcpu: KvmVcpu, cpu: number, from: number, to: number): boolean {
  const list = vcpu.vm.host.list;
  for (let i = from; i <= to; i++) {
    if (vcpu.hasEvent(i) && pmcEnabled(vcpu, i) && !list.covers(vcpu.eventPmu(i), cpu)) return true;
  }
  return false;
}
