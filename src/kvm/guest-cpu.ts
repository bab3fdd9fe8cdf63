/**
 * The guest's view inside KVM_RUN (API.md `Guest`). Every PMU register access traps: KVM
 * emulates it and re-enters, servicing requests it raised (e.g. KVM_REQ_RELOAD_PMU from a
 * PMCR.E toggle) before the guest's next instruction, as the run loop does.
 */
import { register } from '../arch/registers.js';
import { serviceRequests } from './requests.js';
import { executeOn } from './pmu-exec.js';
import { guestRead, guestWrite } from './sys-regs.js';
import type { KvmVcpu } from './vcpu-state.js';

export type GuestProgram = (g: GuestCpu) => void;

export class GuestCpu {
  /** Trapped PMU register accesses so far in this KVM_RUN. */
  accesses = 0;

  constructor(
    private readonly vcpu: KvmVcpu,
    /** The physical CPU this KVM_RUN executes on. */
    readonly cpu: number,
    /** Exception level of the guest's accesses and execution. */
    public el: 0 | 1 = 1,
  ) {}

  read(name: string): bigint {
    this.accesses++;
    const v = guestRead(this.vcpu, register(name), this.el);
    serviceRequests(this.vcpu);
    return v;
  }

  write(name: string, value: bigint): void {
    this.accesses++;
    guestWrite(this.vcpu, register(name), BigInt.asUintN(64, value), this.el);
    serviceRequests(this.vcpu);
  }

  /** Executes `cycles` cycles and `instructions` instructions on this physical CPU. */
  exec(cycles: number, instructions = 0): void {
    if (!Number.isSafeInteger(cycles) || cycles < 0 || !Number.isSafeInteger(instructions) || instructions < 0) {
      throw new RangeError(`g.exec: cycles and instructions must be non-negative integers, got ${cycles}, ${instructions}`);
    }
    executeOn(this.vcpu, this.cpu, this.el, BigInt(cycles), BigInt(instructions));
    serviceRequests(this.vcpu);
  }
}
