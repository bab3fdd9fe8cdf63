/**
 * The model state of a run, on one SharedArrayBuffer: the host's `arm_pmus` list, an RCU
 * domain, every VM with its vGIC and vCPUs, and each vCPU's guest memory. The coordinator
 * `create`s it; every worker `attach`es to the same buffer and builds the same object
 * graph in the same order, so lock ids (the index in `locks`) agree across threads.
 */
import { HostModel } from '../host/host-model.js';
import { pcpuBanksLayout } from '../host/pcpu-banks.js';
import { pmuListLayout, rcuFlavourOf } from '../host/pmu-list.js';
import type { Topology } from '../host/topology.js';
import { guestMemoryLayout, type GuestMemory } from '../guest/memory.js';
import { ALL_CHECKS, type OracleChecks } from '../check/oracles.js';
import { setSyncOraclesOff } from '../check/sync-oracles.js';
import type { Profile } from '../kvm/profile.js';
import { KvmVcpu, VCPU_FLAG, vcpuLayout } from '../kvm/vcpu-state.js';
import { Vgic, vgicLayout } from '../kvm/vgic.js';
import { KvmVm, vmLayout } from '../kvm/vm-state.js';
import type { Layout } from '../mem/region.js';
import type { LockRef } from '../sync/lock.js';
import { RcuDomain, rcuLayout } from '../sync/rcu.js';

export interface WorldShape {
  readonly topology: Topology;
  readonly profile: Profile;
  /** The model oracles on (default: all). */
  readonly checks?: OracleChecks;
  /** Oracles switched off, for the synchronisation ones this thread checks (default: none). */
  readonly oraclesOff?: readonly string[];
  readonly vms: readonly { readonly irqchip: boolean; readonly vcpus: number }[];
}

/** What a worker needs to attach to a world: its one buffer (the shape gives the layout). */
export interface WorldBuffers {
  readonly buffer: SharedArrayBuffer;
}

/** The bytes of a world's buffer (`World.snapshot`). */
export type WorldSnapshot = Uint8Array;

/**
 * Where each object's region starts in the world's buffer. Every region of a world shares
 * one SharedArrayBuffer: the sim driver builds a world per execution, and a buffer each
 * (a dozen of them) cost more than the rest of the world's creation.
 */
interface WorldPlan {
  readonly bytes: number;
  readonly list: number;
  readonly banks: number;
  readonly rcu: number;
  readonly vms: readonly { readonly vm: number; readonly vgic: number; readonly vcpus: readonly number[]; readonly guest: readonly number[] }[];
}

function planOf(shape: WorldShape): WorldPlan {
  let bytes = 0;
  const place = (layout: Layout) => {
    const at = bytes;
    bytes += layout.paddedLength;
    return at;
  };
  const list = place(pmuListLayout);
  const banks = place(pcpuBanksLayout(shape.topology.cpus));
  const rcu = place(rcuLayout);
  const vms = shape.vms.map((spec) => ({
    vm: place(vmLayout),
    vgic: place(vgicLayout),
    vcpus: Array.from({ length: spec.vcpus }, () => place(vcpuLayout)),
    guest: Array.from({ length: spec.vcpus }, () => place(guestMemoryLayout)),
  }));
  return { bytes, list, banks, rcu, vms };
}

export class World {
  /** Every vCPU of every VM, in VM order then vCPU id: the engine's global vCPU index. */
  readonly vcpus: KvmVcpu[] = [];
  readonly guestMemory: GuestMemory[] = [];
  /** Every lock of the world; a lock's id is its index here. */
  readonly locks: LockRef[];

  private constructor(
    readonly shape: WorldShape,
    readonly host: HostModel,
    readonly rcu: RcuDomain,
    readonly vms: readonly KvmVm[],
    guest: GuestMemory[][],
    private readonly buffer: SharedArrayBuffer,
  ) {
    for (const [i, vm] of vms.entries()) {
      this.vcpus.push(...vm.vcpus);
      this.guestMemory.push(...guest[i]!);
    }
    this.locks = [host.list.lock, ...vms.flatMap((vm) => [vm.kvmLock, vm.configLock, ...vm.vcpus.map((v) => v.mutex)])];
  }

  /** Boots the host and creates every VM and vCPU (KVM_CREATE_VM / KVM_CREATE_VCPU). */
  static create(shape: WorldShape): World {
    const plan = planOf(shape);
    return World.build(shape, plan, new SharedArrayBuffer(plan.bytes), true);
  }

  /** The same world, seen from another thread. */
  static attach(shape: WorldShape, b: WorldBuffers): World {
    return World.build(shape, planOf(shape), b.buffer, false);
  }

  /**
   * The object graph over `buffer`, in the same order in every thread (lock ids agree).
   * `fresh`: initialise the state (boot the host, create the VMs); else it is already there.
   */
  private static build(shape: WorldShape, plan: WorldPlan, buffer: SharedArrayBuffer, fresh: boolean): World {
    const host = new HostModel(
      shape.topology,
      shape.profile,
      pmuListLayout.view(buffer, plan.list),
      pcpuBanksLayout(shape.topology.cpus).view(buffer, plan.banks),
      fresh,
    );
    host.checks = shape.checks ?? ALL_CHECKS;
    setSyncOraclesOff(shape.oraclesOff ?? []);
    const vms = shape.vms.map((spec, id) => {
      const at = plan.vms[id]!;
      const vgic = new Vgic(vgicLayout.view(buffer, at.vgic), fresh ? spec.irqchip : undefined);
      const vm = new KvmVm(id, host, vmLayout.view(buffer, at.vm), vgic, fresh);
      at.vcpus.forEach((offset, v) => vm.vcpus.push(new KvmVcpu(vm, v, vcpuLayout.view(buffer, offset), fresh)));
      return vm;
    });
    host.list.plant(shape.profile.bugs, vms.map((vm) => vm.configLock)); // the list's design bugs (host/pmu-list.ts)
    const guest = plan.vms.map((at) => at.guest.map((offset) => guestMemoryLayout.view(buffer, offset)));
    return new World(shape, host, new RcuDomain(rcuLayout.view(buffer, plan.rcu), rcuFlavourOf(shape.profile.pmuListDesign)), vms, guest, buffer);
  }

  buffers(): WorldBuffers {
    return { buffer: this.buffer };
  }

  /** A copy of the world's state (every region's bytes). */
  snapshot(): WorldSnapshot {
    return new Uint8Array(this.buffer).slice();
  }

  /** Overwrites the world's state with a snapshot of a world of the same shape. */
  restore(snapshot: WorldSnapshot): void {
    if (snapshot.byteLength !== this.buffer.byteLength) {
      throw new RangeError(`world snapshot has ${snapshot.byteLength} bytes, the world ${this.buffer.byteLength}`);
    }
    new Uint8Array(this.buffer).set(snapshot);
  }

  /** True if a vCPU is loaded on `cpu` (a lock-free look; in hw only its own pCPU loads there). */
  vcpuLoadedOn(cpu: number): boolean {
    return this.vcpus.some((v) => v.cpu === cpu && v.hasFlag(VCPU_FLAG.LOADED));
  }

  lockId(lock: LockRef): number {
    return this.locks.indexOf(lock);
  }
}
