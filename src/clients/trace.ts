/**
 * The recording layer every client replays through: thin wrappers over the public `Vm` /
 * `Vcpu` that perform the call and append one `TraceLine` with its result. Calls that
 * change the VM's PMU (the first PMU INIT, SET_PMU, FIXED_COUNTERS_ONLY) say so in the note.
 */
import type { Host } from '../api/host.js';
import type { Vcpu } from '../api/vcpu.js';
import type { Vm } from '../api/vm.js';
import { errnoName } from '../arch/errno.js';
import { pmuAttrName, uapi } from '../arch/uapi.js';
import type { RunResult } from '../kvm/arm.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';
import type { OneRegResult } from '../kvm/one-reg.js';
import { runDirect } from '../sync/direct.js';
import type { TraceLine } from './types.js';

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

/** The host PMU behind the VM's `arm_pmu`, as a printable name (null: none chosen). */
export function vmPmuName(host: Host, vm: Vm): string | null {
  const entry = vm.model.armPmu;
  return entry < 0 ? null : host.model.pmuOf(entry).name;
}

export class Tracer {
  readonly lines: TraceLine[] = [];

  constructor(readonly host: Host) {}

  /** Appends a line; `ret` is 0 / a negative errno. Returns `ret`. */
  record(actor: string, call: string, ret: number, note?: string): number {
    this.lines.push(note === undefined ? { actor, call, ret: errnoName(ret) } : { actor, call, ret: errnoName(ret), note });
    return ret;
  }

  /** KVM_CHECK_EXTENSION(KVM_CAP_ARM_PMU_V3): `kvm_supports_guest_pmuv3()`. */
  checkPmuCap(actor: string): boolean {
    const cap = runDirect(this.host.model.supportsGuestPmuv3(), 'KVM_CHECK_EXTENSION');
    this.record(actor, 'KVM_CHECK_EXTENSION(KVM_CAP_ARM_PMU_V3)', 0, `= ${cap ? 1 : 0}`);
    return cap;
  }

  /** KVM_CREATE_VM (+ the vGIC device unless `irqchip` is false). `label` names it in the trace. */
  createVm(actor: string, label: string, irqchip = true): TracedVm {
    const vm = this.host.createVm({ irqchip: irqchip ? 'vgic-v3' : 'none' });
    this.record(actor, `KVM_CREATE_VM(${label})`, 0, irqchip ? 'with KVM_CREATE_DEVICE(vgic-v3)' : 'no irqchip');
    return new TracedVm(this, vm, label);
  }
}

export class TracedVm {
  /** A SET_PMU on this VM succeeded (the VM is in 'set-pmu' mode unless FIXED overrides). */
  setPmuApplied = false;
  readonly vcpus: TracedVcpu[] = [];

  constructor(
    readonly tracer: Tracer,
    readonly raw: Vm,
    readonly label: string,
  ) {}

  createVcpu(actor: string): TracedVcpu {
    const vcpu = new TracedVcpu(this, this.raw.createVcpu());
    this.tracer.record(actor, `KVM_CREATE_VCPU(${this.label}, ${vcpu.raw.id})`, 0);
    this.vcpus.push(vcpu);
    return vcpu;
  }

  vgicInit(actor: string): number {
    return this.tracer.record(actor, `KVM_SET_DEVICE_ATTR(${this.label} vgic, CTRL, CTRL_INIT)`, this.raw.vgicInit());
  }

  pmuName(): string | null {
    return vmPmuName(this.tracer.host, this.raw);
  }

  /** Runs `call`, records it, and notes a change of the VM's PMU or counter mode. */
  traced(actor: string, call: string, body: () => number, note?: string): number {
    const before = this.pmuState();
    const ret = body();
    const after = this.pmuState();
    const change = after === before ? undefined : `VM PMU: ${after}`;
    const joined = [note, change].filter((s) => s !== undefined).join('; ');
    return this.tracer.record(actor, call, ret, joined === '' ? undefined : joined);
  }

  private pmuState(): string {
    const name = this.pmuName() ?? 'none';
    return this.raw.model.fixedCountersOnly() ? `${name}, FIXED_COUNTERS_ONLY` : name;
  }
}

function attrText(attr: number, value?: number): string {
  const name = pmuAttrName[attr] ?? `attr ${attr}`;
  return value === undefined ? name : `${name}=${value}`;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export class TracedVcpu {
  readonly label: string;

  constructor(
    readonly vm: TracedVm,
    readonly raw: Vcpu,
  ) {
    this.label = vm.label === 'vm' ? `vcpu${raw.id}` : `${vm.label}.vcpu${raw.id}`;
  }

  /** KVM_ARM_VCPU_INIT issued by a thread running on pCPU `cpu`. */
  init(actor: string, pmu: boolean, cpu: number): number {
    const call = `KVM_ARM_VCPU_INIT(${this.label}, ${pmu ? 'PMU_V3' : 'no PMU_V3'}) on cpu${cpu}`;
    return this.vm.traced(actor, call, () => this.raw.init({ pmu }, { cpu }));
  }

  has(actor: string, attr: number): number {
    const call = `KVM_HAS_DEVICE_ATTR(${this.label}, PMU_V3_CTRL, ${attrText(attr)})`;
    return this.vm.tracer.record(actor, call, this.raw.hasDeviceAttr(CTRL, attr));
  }

  set(actor: string, attr: number, value?: number): number {
    const call = `KVM_SET_DEVICE_ATTR(${this.label}, PMU_V3_CTRL, ${attrText(attr, value)})`;
    const ret = this.vm.traced(actor, call, () => this.raw.setDeviceAttr(CTRL, attr, value));
    if (ret === 0 && attr === uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU) this.vm.setPmuApplied = true;
    return ret;
  }

  getReg(actor: string, name: string): OneRegResult {
    const r = this.raw.getOneReg(name);
    this.vm.tracer.record(actor, `KVM_GET_ONE_REG(${this.label}, ${name})`, r.ret, r.ret === 0 ? hex(r.value) : undefined);
    return r;
  }

  setReg(actor: string, name: string, value: bigint): number {
    return this.vm.tracer.record(actor, `KVM_SET_ONE_REG(${this.label}, ${name}, ${hex(value)})`, this.raw.setOneReg(name, value));
  }

  /** One KVM_RUN on pCPU `cpu`; `describe` turns the result into the note. */
  run(actor: string, cpu: number, guest?: (g: GuestCpu) => void, describe?: (r: RunResult) => string): RunResult {
    const r = this.raw.run({ cpu, guest });
    this.vm.tracer.record(actor, `KVM_RUN(${this.label}) on cpu${cpu}`, r.ret, describe?.(r));
    return r;
  }
}
