/**
 * The guest's view inside KVM_RUN (API.md `Guest`). Every PMU register access traps: KVM
 * emulates it and re-enters, servicing requests it raised (e.g. KVM_REQ_RELOAD_PMU from a
 * PMCR.E toggle) before the guest's next instruction, as the run loop does.
 */
import { register, type RegDesc } from '../arch/registers.js';
import { point, type Op, type SyncOp } from '../sync/seam.js';
import { serviceRequests } from './requests.js';
import { updateState } from './pmu-irq.js';
import { executeOn } from './pmu-exec.js';
import { guestRead, guestWrite } from './sys-regs.js';
import { partitionedAccess } from './partition-access.js';
import type { KvmVcpu } from './vcpu-state.js';

/**
 * A guest program: a plain function (the API's `run`), or one that returns a generator
 * yielding `g.trap` before its trapped accesses (the engine's workloads), so a scheduler
 * can interleave other threads between two accesses of one KVM_RUN.
 */
export type GuestProgram = (g: GuestCpu) => void | Op<void>;

/** The label of the seam point before a trapped guest PMU access (`GuestCpu.trap`). */
export const GUEST_TRAP_LABEL = 'guest: PMU access trap';
const TRAP_NO_MIGRATION = point(GUEST_TRAP_LABEL);

export class GuestCpu {
  /** Trapped PMU register accesses so far in this KVM_RUN. */
  accesses = 0;
  /** Cycles executed so far in this KVM_RUN (what a virtual clock charges for guest time). */
  cycles = 0;
  /** A generator guest yields `trap` before every `trapEvery`-th access (see `trapDue`). */
  trapEvery = 1;
  private untilTrap = 1;
  /** Injected preempt-and-migrate actions taken in this KVM_RUN (sim driver only). */
  migrations = 0;
  /**
   * A userspace irqchip's PMU level differed from what userspace last saw at one of this
   * KVM_RUN's exits (API.md "Settled details"): the run loop's exit request
   * (`kvm_vcpu_exit_request`) would have returned -EINTR there, even if the level went back.
   */
  levelChangeUnseen = false;
  private readonly userIrqchip: boolean;
  /** The VM's PMU is partitioned (spec §6): fixed once any vCPU ran, so for the whole run. */
  private readonly partitioned: boolean;
  /**
   * The seam point before a trapped access. The guest exits to KVM there, and KVM's exit
   * handling is preemptible: a driver may migrate the vCPU thread before it re-enters.
   */
  readonly trap: SyncOp;

  constructor(
    private readonly vcpu: KvmVcpu,
    /** The physical CPU this KVM_RUN executes on (it changes if the vCPU thread is migrated). */
    public cpu: number,
    /** Exception level of the guest's accesses and execution. */
    public el: 0 | 1 = 1,
    /** How KVM_RUN moves this vCPU thread to another CPU mid-run (arm.ts preemptAndMigrate). */
    migrate?: (cpu: number) => Op<void>,
  ) {
    this.trap = migrate ? { kind: 'point', label: GUEST_TRAP_LABEL, migrate } : TRAP_NO_MIGRATION;
    this.userIrqchip = vcpu.hasPmu() && !vcpu.vm.vgic.created;
    this.partitioned = vcpu.hasPmu() && vcpu.vm.partitioned();
  }

  /** After an exit is handled (requests serviced, level updated): the re-entry's level check. */
  private exitHandled(): void {
    serviceRequests(this.vcpu);
    this.noteLevel();
  }

  /** The re-entry's check of a userspace irqchip's level against what userspace last saw. */
  private noteLevel(): void {
    if (this.userIrqchip && this.vcpu.irqLevel !== this.vcpu.userIrqLevel) this.levelChangeUnseen = true;
  }

  /**
   * Called by a generator guest before a PMU access: true when it should yield `trap`
   * first (every access with trapEvery 1, as the sim driver wants; one in a batch in hw).
   */
  trapDue(): boolean {
    if (--this.untilTrap > 0) return false;
    this.untilTrap = this.trapEvery;
    return true;
  }

  /**
   * A trapped read of a PMU register, by name — or by its descriptor (`register(name)`,
   * arch/registers.ts), which a guest resolves once rather than at every access.
   */
  read(reg: string | RegDesc): bigint {
    this.accesses++;
    const d = typeof reg === 'string' ? register(reg) : reg;
    if (this.partitioned) return this.partitionedAccess(d);
    const v = guestRead(this.vcpu, d, this.el);
    this.exitHandled();
    return v;
  }

  /** A trapped write (by name or descriptor, as `read`); `value` is taken modulo 2^64. */
  write(reg: string | RegDesc, value: bigint): void {
    this.accesses++;
    if (this.partitioned) {
      const v = BigInt.asUintN(64, value);
      this.partitionedAccess(typeof reg === 'string' ? register(reg) : reg, v);
      return;
    }
    guestWrite(this.vcpu, typeof reg === 'string' ? register(reg) : reg, BigInt.asUintN(64, value), this.el);
    this.exitHandled();
  }

  /**
   * A partitioned vCPU's access (spec §6.2). Only a full exit runs KVM's exit handling, but
   * the interrupt level is followed after every access, as API.md's rule is stated for every
   * trapped access and exit: a hyp fast-path hit is a trapped access, and a direct one that
   * makes the overflow status non-zero (or zero) raises (or drops) the PMU interrupt, itself
   * an exit.
   */
  private partitionedAccess(d: RegDesc, value?: bigint): bigint {
    const r = partitionedAccess(this.vcpu, d, this.el, this.cpu, value);
    if (r.exit) this.exitHandled();
    else if (this.userIrqchip) {
      updateState(this.vcpu); // the PMU line after an access that did not exit to KVM's handler
      this.noteLevel();
    }
    return r.value;
  }

  /** Executes `cycles` cycles and `instructions` instructions on this physical CPU. */
  exec(cycles: number, instructions = 0): void {
    if (!Number.isSafeInteger(cycles) || cycles < 0 || !Number.isSafeInteger(instructions) || instructions < 0) {
      throw new RangeError(`g.exec: cycles and instructions must be non-negative integers, got ${cycles}, ${instructions}`);
    }
    this.cycles += cycles;
    executeOn(this.vcpu, this.cpu, this.el, BigInt(cycles), BigInt(instructions));
    this.exitHandled();
  }
}
