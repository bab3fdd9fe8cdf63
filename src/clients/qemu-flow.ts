/**
 * QEMU's vPMU sequence (hosts-and-clients §1.1), parameterised by the PMU backend so the
 * upstream code and the "Choose PMU backend" RFC (§2) share phases B–D:
 *   A  host probe on a scratch VM from the main thread (the backend's `probe`);
 *   B  per vCPU, in its own thread: INITV, the backend's `afterInit`, GET of every register;
 *   C  main thread: VGIC_INIT, then HAS+SET(IRQ=23) and HAS+SET(INIT) per vCPU, abort() on error;
 *   D  system reset: re-INITV, GET all, SET all (write-back).
 */
import { oneRegNames } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import type { ClientContext } from './context.js';
import { hasThenSet, vgicInit } from './steps.js';
import { strerror } from './strerror.js';
import type { TracedVcpu } from './trace.js';

export interface QemuPmuBackend {
  /** Phase A: whether `-cpu host` gets the PMU feature (`has_pmu` / ARM_FEATURE_PMU). */
  probe(ctx: ClientContext): boolean;
  /** In kvm_arch_init_vcpu right after INITV (RFC: SET_PMU or FIXED_COUNTERS_ONLY); 0 or -errno. */
  afterInit?(ctx: ClientContext, vcpu: TracedVcpu, actor: string): number;
}

const PROBE_FAILED = 'qemu-system-aarch64: Failed to retrieve host CPU features';

/**
 * Phase A's scratch vCPU (`kvm_arm_get_host_cpu_features`): INITV with PMU_V3 when KVM has
 * the cap, from the main thread's pCPU, then (upstream) GET1(PMCR_EL0). Returns the cap.
 */
export function scratchHostProbe(ctx: ClientContext, readPmcr: boolean): boolean {
  const cap = ctx.tracer.checkPmuCap('main');
  const vcpu = ctx.tracer.createVm('main', 'scratch', false).createVcpu('main');
  if (vcpu.init('main', cap, ctx.options.mainCpu)) ctx.die(PROBE_FAILED);
  if (cap && readPmcr && vcpu.getReg('main', 'PMCR_EL0').ret) ctx.die(PROBE_FAILED);
  return cap;
}

/** GET1 of every PMU register in KVM_GET_REG_LIST order; the first failing return, or 0. */
function getAll(vcpu: TracedVcpu, actor: string): { ret: number; values: bigint[] } {
  const values: bigint[] = [];
  for (const name of oneRegNames) {
    const r = vcpu.getReg(actor, name);
    if (r.ret) return { ret: r.ret, values };
    values.push(r.value);
  }
  return { ret: 0, values };
}

function initFailed(id: number, ret: number): string {
  return `kvm_init_vcpu: kvm_arch_init_vcpu failed (${id}): ${strerror(ret)}`;
}

/** Phase B for one vCPU, in its own thread on pCPU `vcpuCpus[id]`. */
function initVcpu(ctx: ClientContext, backend: QemuPmuBackend, hasPmu: boolean, id: number): void {
  const actor = `vcpu${id}`;
  const vcpu = ctx.vm!.createVcpu(actor);
  let ret = vcpu.init(actor, hasPmu, ctx.options.vcpuCpus[id]!);
  if (!ret && hasPmu && backend.afterInit) ret = backend.afterInit(ctx, vcpu, actor);
  if (!ret && hasPmu) ret = getAll(vcpu, actor).ret;
  if (ret) ctx.die(initFailed(id, ret));
}

/** Phase C for one vCPU (`kvm_arm_pmu_set_irq`, `kvm_arm_pmu_init`). */
function wirePmu(ctx: ClientContext, vcpu: TracedVcpu): void {
  const steps = [
    { attr: uapi.KVM_ARM_VCPU_PMU_V3_IRQ, value: ctx.options.irqs[vcpu.raw.id], what: 'failed to set irq for PMU' },
    { attr: uapi.KVM_ARM_VCPU_PMU_V3_INIT, value: undefined, what: 'failed to init PMU' },
  ];
  for (const s of steps) {
    const failed = hasThenSet(vcpu, 'main', s.attr, s.value);
    if (failed) ctx.die(`PMU: ${failed.ioctl}: ${strerror(failed.ret)}; ${s.what}; abort()`);
  }
}

/** Phase D: `kvm_arm_reset_vcpu` on every vCPU, then the post-reset write-back. */
function resetAll(ctx: ClientContext, hasPmu: boolean): void {
  const saved = ctx.vcpus.map((vcpu) => {
    const ret = vcpu.init('main', hasPmu, ctx.options.mainCpu);
    if (ret) ctx.die(`kvm_arm_vcpu_init failed: ${strerror(ret)}; abort()`);
    const all = hasPmu ? getAll(vcpu, 'main') : { ret: 0, values: [] };
    if (all.ret) ctx.die('write_kvmstate_to_list failed; abort()');
    return all.values;
  });
  ctx.vcpus.forEach((vcpu, id) => {
    saved[id]!.forEach((value, i) => {
      const ret = vcpu.setReg(`vcpu${id}`, oneRegNames[i]!, value);
      if (ret) ctx.die(`Failed to put registers after init: ${strerror(ret)}`);
    });
  });
}

export function runQemu(ctx: ClientContext, backend: QemuPmuBackend): void {
  const hasPmu = backend.probe(ctx);
  if (!hasPmu) ctx.note('-cpu host without the PMU feature: no PMU node, PMU registers hidden');
  ctx.createVm();
  for (let id = 0; id < ctx.options.vcpus; id++) initVcpu(ctx, backend, hasPmu, id);
  vgicInit(ctx, (ret) => `KVM_SET_DEVICE_ATTR failed: Group 4 attr 0x0 (VGIC CTRL_INIT): ${strerror(ret)}; abort()`);
  if (hasPmu) for (const vcpu of ctx.vcpus) wirePmu(ctx, vcpu);
  resetAll(ctx, hasPmu);
}
