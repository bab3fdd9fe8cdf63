/**
 * The public API of API.md: `createHost` → `Host` → `Vm` → `Vcpu`. Each method that stands
 * for an ioctl runs the model operation to completion with the direct driver and returns
 * 0 or a negative errno. `.model` exposes the underlying model objects, whose methods
 * return stepper-drivable operations, for users who interleave operations themselves.
 */
import { VpmuLabError, unknownName } from '../host/errors.js';
import { HostModel } from '../host/host-model.js';
import { presetNames, presets } from '../host/presets.js';
import { resolveTopology, type Topology, type TopologySpec } from '../host/topology.js';
import { resolveProfile, type ProfileSwitches } from '../kvm/profile.js';
import { Vm } from './vm.js';

export interface HostOptions {
  /** Kernel behaviour variant (spec §9): 'mainline' (default), 'fixed-counters-only' or 'partition'. */
  profile?: string;
  /**
   * The host driver's `arm_pmuv3.reserved_host_counters` (spec §6.1, profile `partition`):
   * a non-negative integer, default 0. The same as the `reservedHostCounters` switch.
   */
  reservedHostCounters?: number;
  /** Individual switch overrides on top of the profile. */
  switches?: Partial<ProfileSwitches>;
  /** Put all model state on SharedArrayBuffers (for pCPU workers). */
  shared?: boolean;
}

export interface HostPmuInfo {
  readonly name: string;
  readonly type: number;
  readonly cpus: readonly number[];
  readonly counters: number;
  readonly pmuver: number;
}

export class Host {
  /** Number of physical CPUs. */
  readonly cpus: number;
  /** CPU PMUs in registration order. */
  readonly pmus: readonly HostPmuInfo[];
  /** Every event source under /sys/bus/event_source/devices, uncore PMUs included. */
  readonly eventSources: readonly (HostPmuInfo & { readonly kind: 'cpu' | 'uncore' })[];
  private vmCount = 0;

  constructor(readonly model: HostModel) {
    const t = model.topology;
    this.cpus = t.cpus;
    this.eventSources = Object.freeze(
      t.pmus.map((p) =>
        Object.freeze({ name: p.name, type: p.type, cpus: p.cpus, counters: p.counters, pmuver: p.pmuver, kind: p.kind }),
      ),
    );
    this.pmus = Object.freeze(this.eventSources.filter((p) => p.kind === 'cpu'));
  }

  get name(): string {
    return this.model.topology.name;
  }

  get profile(): string {
    return this.model.profile.name;
  }

  /** KVM_CREATE_VM, plus KVM_CREATE_DEVICE(vgic-v3) unless `irqchip: 'none'`. */
  createVm(options: { irqchip?: 'vgic-v3' | 'none' } = {}): Vm {
    const irqchip = options.irqchip ?? 'vgic-v3';
    if (irqchip !== 'vgic-v3' && irqchip !== 'none') throw unknownName('irqchip', irqchip, ['vgic-v3', 'none']);
    return new Vm(this.model, this.vmCount++, irqchip === 'vgic-v3');
  }
}

/** Builds a host from a preset name or a topology object (API.md `createHost`). */
export function createHost(topology: string | TopologySpec | Topology, options: HostOptions = {}): Host {
  let spec: unknown = topology;
  if (typeof topology === 'string') {
    spec = presets[topology];
    if (!spec) throw unknownName('preset', topology, presetNames);
  }
  if (options === null || typeof options !== 'object') throw new VpmuLabError('createHost: options must be an object');
  const reserved = options.reservedHostCounters;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
    throw new VpmuLabError(`createHost: reservedHostCounters must be a non-negative integer, got ${JSON.stringify(reserved)}`);
  }
  const switches = reserved === undefined ? (options.switches ?? {}) : { ...options.switches, reservedHostCounters: reserved };
  const profile = resolveProfile(options.profile ?? 'mainline', switches);
  return new Host(HostModel.boot(resolveTopology(spec), profile, options.shared ?? false));
}
