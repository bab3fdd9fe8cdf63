/**
 * The model state of a run, on SharedArrayBuffers: the host's `arm_pmus` list, an RCU
 * domain, every VM with its vGIC and vCPUs, and each vCPU's guest memory. The coordinator
 * `create`s it; every worker `attach`es to the same buffers and builds the same object
 * graph in the same order, so lock ids (the index in `locks`) agree across threads.
 */
import { HostModel } from '../host/host-model.js';
import { pcpuBanksLayout } from '../host/pcpu-banks.js';
import { pmuListLayout } from '../host/pmu-list.js';
import type { Topology } from '../host/topology.js';
import { guestMemoryLayout, type GuestMemory } from '../guest/memory.js';
import type { Profile } from '../kvm/profile.js';
import { KvmVcpu, vcpuLayout } from '../kvm/vcpu-state.js';
import { Vgic, vgicLayout } from '../kvm/vgic.js';
import { KvmVm, vmLayout } from '../kvm/vm-state.js';
import type { LockRef } from '../sync/lock.js';
import { RcuDomain, rcuLayout } from '../sync/rcu.js';

export interface WorldShape {
  readonly topology: Topology;
  readonly profile: Profile;
  readonly vms: readonly { readonly irqchip: boolean; readonly vcpus: number }[];
}

export interface WorldBuffers {
  readonly list: SharedArrayBuffer;
  readonly banks: SharedArrayBuffer;
  readonly rcu: SharedArrayBuffer;
  readonly vms: readonly {
    readonly vm: SharedArrayBuffer;
    readonly vgic: SharedArrayBuffer;
    readonly vcpus: readonly SharedArrayBuffer[];
    readonly guest: readonly SharedArrayBuffer[];
  }[];
}

const sab = (b: ArrayBuffer | SharedArrayBuffer) => b as SharedArrayBuffer;

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
  ) {
    for (const [i, vm] of vms.entries()) {
      this.vcpus.push(...vm.vcpus);
      this.guestMemory.push(...guest[i]!);
    }
    this.locks = [host.list.lock, ...vms.flatMap((vm) => [vm.kvmLock, vm.configLock, ...vm.vcpus.map((v) => v.mutex)])];
  }

  /** Boots the host and creates every VM and vCPU (KVM_CREATE_VM / KVM_CREATE_VCPU). */
  static create(shape: WorldShape): World {
    const host = HostModel.boot(shape.topology, shape.profile, true);
    const vms = shape.vms.map((spec, id) => {
      const vm = new KvmVm(id, host, vmLayout.allocate(true), new Vgic(vgicLayout.allocate(true), spec.irqchip));
      for (let v = 0; v < spec.vcpus; v++) vm.vcpus.push(new KvmVcpu(vm, v, vcpuLayout.allocate(true)));
      return vm;
    });
    const guest = shape.vms.map((spec) => Array.from({ length: spec.vcpus }, () => guestMemoryLayout.allocate(true)));
    return new World(shape, host, new RcuDomain(rcuLayout.allocate(true)), vms, guest);
  }

  /** The same world, seen from another thread. */
  static attach(shape: WorldShape, b: WorldBuffers): World {
    const host = new HostModel(
      shape.topology,
      shape.profile,
      pmuListLayout.view(b.list),
      pcpuBanksLayout(shape.topology.cpus).view(b.banks),
      false,
    );
    const vms = b.vms.map((vb, id) => {
      const vm = new KvmVm(id, host, vmLayout.view(vb.vm), new Vgic(vgicLayout.view(vb.vgic)), false);
      vb.vcpus.forEach((buf, v) => vm.vcpus.push(new KvmVcpu(vm, v, vcpuLayout.view(buf), false)));
      return vm;
    });
    const guest = b.vms.map((vb) => vb.guest.map((buf) => guestMemoryLayout.view(buf)));
    return new World(shape, host, new RcuDomain(rcuLayout.view(b.rcu)), vms, guest);
  }

  buffers(): WorldBuffers {
    let g = 0;
    return {
      list: sab(this.host.list.region.buffer),
      banks: sab(this.host.banks.region.buffer),
      rcu: sab(this.rcu.region.buffer),
      vms: this.vms.map((vm) => ({
        vm: sab(vm.region.buffer),
        vgic: sab(vm.vgic.region.buffer),
        vcpus: vm.vcpus.map((v) => sab(v.region.buffer)),
        guest: vm.vcpus.map(() => sab(this.guestMemory[g++]!.buffer)),
      })),
    };
  }

  lockId(lock: LockRef): number {
    return this.locks.indexOf(lock);
  }
}
