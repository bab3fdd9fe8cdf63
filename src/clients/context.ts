/**
 * What a client replay runs against: the host, the resolved options, the tracer, the VM
 * being booted, and the client's way to die. A client dies by throwing `ClientExit`
 * (its `die()`, `abort()`, failed boot); the runner turns that into `ok: false`.
 */
import { intField } from '../host/validate.js';
import { createHost, type Host } from '../api/host.js';
import { MAX_VCPUS } from '../api/vm.js';
import { VpmuLabError } from '../host/errors.js';
import { parseCpuList } from './cpulist.js';
import { Tracer, type TracedVcpu, type TracedVm } from './trace.js';
import type { ClientOptions, ResolvedOptions } from './types.js';

/** The PMU overflow interrupt of QEMU virt, kvmtool, crosvm, cloud-hypervisor (PPI 7). */
export const PMU_PPI = 23;

export class ClientExit extends Error {
  override name = 'ClientExit';
}

export class ClientContext {
  readonly host: Host;
  readonly tracer: Tracer;
  readonly options: ResolvedOptions;
  readonly notes: string[] = [];
  /** The VM the client boots (set once it is created). */
  vm: TracedVm | null = null;

  constructor(
    readonly client: string,
    raw: ClientOptions,
  ) {
    if (raw === null || typeof raw !== 'object') throw new VpmuLabError(`${client}: options must be an object`);
    this.host = createHost(raw.host, raw.profile === undefined ? {} : { profile: raw.profile });
    this.tracer = new Tracer(this.host);
    this.options = resolveOptions(client, raw, this.host.cpus);
  }

  get vcpus(): readonly TracedVcpu[] {
    return this.vm?.vcpus ?? [];
  }

  /** The client gives up with its own message (die(), abort(), boot failure). */
  die(message: string): never {
    throw new ClientExit(message);
  }

  /** A non-fatal message the client logs. */
  note(message: string): void {
    this.notes.push(message);
  }

  /** Main thread: KVM_CREATE_VM (with a vGIC) of the VM the client boots. */
  createVm(): TracedVm {
    this.vm = this.tracer.createVm('main', 'vm');
    return this.vm;
  }
}

function checkCpu(what: string, v: unknown, cpus: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= cpus) {
    throw new VpmuLabError(`${what}: expected a CPU id 0..${cpus - 1}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function resolveOptions(client: string, o: ClientOptions, cpus: number): ResolvedOptions {
  const vcpus = intField(`${client}: vcpus`, o.vcpus, 2, 1, MAX_VCPUS);
  const mainCpu = checkCpu(`${client}: mainCpu`, o.mainCpu ?? 0, cpus);
  const vcpuCpus = o.vcpuCpus ?? Array.from({ length: vcpus }, () => mainCpu);
  if (!Array.isArray(vcpuCpus) || vcpuCpus.length !== vcpus) {
    throw new VpmuLabError(`${client}: vcpuCpus: expected ${vcpus} CPU ids (one per vCPU), got ${JSON.stringify(o.vcpuCpus)}`);
  }
  vcpuCpus.forEach((c, i) => checkCpu(`${client}: vcpuCpus[${i}]`, c, cpus));
  let affinity: number[] | null = null;
  if (typeof o.affinity === 'string') affinity = parseCpuList(o.affinity, cpus, `${client}: affinity`);
  else if (o.affinity !== undefined) {
    if (!Array.isArray(o.affinity) || o.affinity.length === 0) {
      throw new VpmuLabError(`${client}: affinity: expected a cpulist string or a non-empty array of CPU ids`);
    }
    affinity = [...new Set(o.affinity.map((c, i) => checkCpu(`${client}: affinity[${i}]`, c, cpus)))].sort((a, b) => a - b);
  }
  const irqSpec = o.irq ?? PMU_PPI;
  const irqs = typeof irqSpec === 'number' ? Array.from({ length: vcpus }, () => irqSpec) : [...irqSpec];
  if (irqs.length !== vcpus || !irqs.every((i) => Number.isInteger(i) && i >= 0 && i < 2 ** 31)) {
    throw new VpmuLabError(`${client}: irq: expected one interrupt id or ${vcpus} of them, got ${JSON.stringify(o.irq)}`);
  }
  return Object.freeze({
    vcpus,
    mainCpu,
    vcpuCpus: Object.freeze([...vcpuCpus]),
    affinity: affinity && Object.freeze(affinity),
    irqs: Object.freeze(irqs),
  });
}
