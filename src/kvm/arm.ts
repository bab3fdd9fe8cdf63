/**
 * KVM_RUN and its pieces (arch/arm64/kvm/arm.c, spec §3.2, §5.3–§5.5): first-run setup,
 * vcpu_load / vcpu_put with the per-load PMU check, request servicing, the
 * unsupported-CPU fail-entry, and the guest program's entry and exits.
 */
import { errno } from '../arch/errno.js';
import { uapi } from '../arch/uapi.js';
import { point, type Op, type SyncOp } from '../sync/seam.js';
import { GuestCpu, type GuestProgram } from './guest-cpu.js';
import { shouldNotifyUser, updateState } from './pmu-irq.js';
import { schedIn, schedOut } from './perf-sched.js';
import { serviceRequestsSteps } from './requests.js';
import { CREATE_EVENT_POINT_LABEL } from './pmu-emul.js';
import { VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';
import { TIMER_PPIS } from './vgic.js';
import { checkGuestEntry } from '../check/pmu-oracles.js';
import { pmuPut, vcpuLoadPmu } from './pmu-direct.js';
import { loadPmu } from './load-check.js';
import { NO_STEPS } from './no-steps.js';
import { VM_FLAG } from './vm-state.js';

export interface RunResult {
  ret: number;
  exitReason?: number;
  failEntry?: { hardwareEntryFailureReason: bigint; cpu: number };
}

/**
 * `kvm_timer_enable`: the arch timer claims its PPIs in the vGIC (first run). A claim that
 * fails (e.g. the PMU INIT already took PPI 27) makes `timer_irqs_are_valid()` false, and
 * kvm_timer_enable returns -EINVAL ("incorrectly configured timer irqs"), not the
 * kvm_vgic_set_owner errno (arch_timer.c).
 */
function timerEnable(vcpu: KvmVcpu): number {
  const vgic = vcpu.vm.vgic;
  if (!vgic.created || vcpu.hasFlag(VCPU_FLAG.TIMER_ENABLED)) return 0;
  for (const ppi of TIMER_PPIS) {
    const pmuOwnsIt = vcpu.hasFlag(VCPU_FLAG.PMU_CREATED) && vcpu.irqNum === ppi;
    if (vgic.setOwner(vcpu.id, ppi, pmuOwnsIt)) return -errno.EINVAL;
  }
  vcpu.setFlag(VCPU_FLAG.TIMER_ENABLED);
  return 0;
}

/** `kvm_arm_pmu_v3_enable` (spec §3.2): PMU INIT is mandatory for running. */
function pmuV3Enable(vcpu: KvmVcpu): number {
  if (!vcpu.hasPmu()) return 0;
  if (!vcpu.hasFlag(VCPU_FLAG.PMU_CREATED)) return -errno.EINVAL;
  const vgic = vcpu.vm.vgic;
  if (vgic.created) {
    const irq = vcpu.irqNum;
    const ppi = irq >= 16 && irq < 32;
    if (!ppi && !vgic.validSpi(irq)) return -errno.EINVAL;
  } else if (vcpu.irqInitialized()) {
    return -errno.EINVAL;
  }
  return 0;
}

/**
 * `kvm_arch_vcpu_run_pid_change`: once per vCPU, retried until it succeeds. The first
 * success of any vCPU sets HAS_RAN_ONCE under config_lock, freezing the VM's PMU config.
 */
function* runPidChange(vcpu: KvmVcpu): Op<number> {
  if (vcpu.hasFlag(VCPU_FLAG.RAN)) return 0;
  const vm = vcpu.vm;
  // kvm_vgic_map_resources → vgic_v3_map_resources: "For a VGICv3 we require the userland
  // to explicitly initialize the VGIC before we need to use it."
  if (vm.vgic.created && !vm.vgic.initialized) return -errno.EBUSY;
  let ret = timerEnable(vcpu);
  if (ret) return ret;
  ret = pmuV3Enable(vcpu);
  if (ret) return ret;
  yield vm.configLock.acquire;
  vm.setFlag(VM_FLAG.HAS_RAN_ONCE);
  yield vm.configLock.release;
  vcpu.setFlag(VCPU_FLAG.RAN);
  return 0;
}

function isGenerator(x: unknown): x is Op<void> {
  return typeof x === 'object' && x !== null && typeof (x as Op<void>).next === 'function' && typeof (x as Op<void>).throw === 'function';
}

const EXIT_REQUEST = point('kvm_run: exit request');
const SUPPORTED_CPUS = point('vcpu_load: supported_cpus');

/** `kvm_arch_vcpu_load` (the PMU-relevant part). */
export function* vcpuLoad(vcpu: KvmVcpu, cpu: number): Op<void> {
  const lastCpu = vcpu.cpu;
  vcpu.cpu = cpu;
  vcpu.trace?.('load', cpu);
  vcpu.setFlag(VCPU_FLAG.LOADED);
  vcpu.countLoad();
  schedIn(vcpu); // the vCPU thread's pinned perf events go on this CPU's PMU
  yield* loadPmu(vcpu, cpu, lastCpu); // FIXED_COUNTERS_ONLY's per-load check, in the profile's design (spec §5.5)
  yield SUPPORTED_CPUS;
  if (!vcpu.vm.supportsCpu(cpu) && !vcpu.vm.planted('no-unsupported-cpu-check')) vcpu.setFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU);
  yield* vcpuLoadPmu(vcpu, cpu); // MDCR_EL2 and the partitioned context swap (spec §6.2, §6.4)
}

/**
 * `kvm_arch_vcpu_put`. Only a loaded partitioned context takes seam steps (its swap out);
 * otherwise the put is done at the call and returns NO_STEPS — no generator on the put path.
 */
export function vcpuPut(vcpu: KvmVcpu): Op<void> {
  vcpu.trace?.('put', vcpu.cpu);
  const swap = pmuPut(vcpu); // spec §6.4
  if (swap === NO_STEPS) {
    finishPut(vcpu);
    return NO_STEPS;
  }
  return putAfter(swap, vcpu);
}

function* putAfter(swap: Op<void>, vcpu: KvmVcpu): Op<void> {
  yield* swap;
  finishPut(vcpu);
}

function finishPut(vcpu: KvmVcpu): void {
  schedOut(vcpu);
  vcpu.clearFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU | VCPU_FLAG.LOADED);
  if (vcpu.vm.profile.putClearsVcpuCpu || vcpu.vm.planted('put-clears-vcpu-cpu')) vcpu.cpu = -1;
}

/** KVM_EXIT_FAIL_ENTRY with CPU_UNSUPPORTED: the vCPU is on a CPU its VM may not run on (§5.5). */
function failEntry(cpu: number): RunResult {
  return {
    ret: 0,
    exitReason: uapi.KVM_EXIT_FAIL_ENTRY,
    failEntry: { hardwareEntryFailureReason: uapi.KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED, cpu },
  };
}

/**
 * Where one KVM_RUN runs: its CPU (a migration of the vCPU thread moves it), the CPUs it
 * left, its guest once entered, and the preemptible point of event creation while it
 * services requests.
 */
interface RunContext {
  cpu: number;
  readonly left: number[];
  guest: GuestCpu | undefined;
  readonly createPoint: SyncOp;
}

function runContext(vcpu: KvmVcpu, cpu: number): RunContext {
  const run: RunContext = {
    cpu,
    left: [],
    guest: undefined,
    // Inside request servicing: the servicing loop that was interrupted picks up the RELOAD
    // the move raises, and the entry checks that follow it see the new CPU.
    createPoint: { kind: 'point', label: CREATE_EVENT_POINT_LABEL, migrate: (to: number) => migrateThread(vcpu, run, to) },
  };
  return run;
}

/**
 * The vCPU thread preempted and scheduled on `to`: kvm_sched_out → vcpu_put, kvm_sched_in
 * → vcpu_load there, with the per-load check.
 */
function* migrateThread(vcpu: KvmVcpu, run: RunContext, to: number): Op<void> {
  yield* vcpuPut(vcpu);
  run.left.push(run.cpu);
  yield* vcpuLoad(vcpu, to);
  run.cpu = to;
  if (run.guest) {
    run.guest.cpu = to;
    run.guest.migrations++;
  }
}

/** Ends a KVM_RUN from inside its guest program with the run loop's result. */
class RunLoopExit extends Error {
  override name = 'RunLoopExit';
  constructor(readonly result: RunResult) {
    super('KVM_RUN exits to userspace');
  }
}

/**
 * Preempted during exit handling (between two trapped accesses) and moved to `to`, then
 * the run loop before it re-enters: requests serviced (preemptible again), the interrupt
 * level check for a userspace irqchip (-EINTR), the supported_cpus check (FAIL_ENTRY) —
 * in the order of spec §5.3–§5.5.
 */
function* preemptAndMigrate(vcpu: KvmVcpu, run: RunContext, to: number): Op<void> {
  yield* migrateThread(vcpu, run, to);
  yield* serviceRequestsSteps(vcpu, run.createPoint);
  if (shouldNotifyUser(vcpu, vcpu.vm.vgic.created)) throw new RunLoopExit({ ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR });
  if (vcpu.hasFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU)) throw new RunLoopExit(failEntry(to));
  checkGuestEntry(vcpu, to);
}

/** Where a KVM_RUN ended, and the CPUs it left on the way (sim-injected migrations). */
export interface RunPlace {
  cpu: number;
  left: readonly number[];
}

/**
 * One KVM_RUN on physical CPU `cpu`, running `guest` to completion. `endedOn` is told the
 * CPU the run ended on and the CPUs it left (when the sim migrated the vCPU thread mid-run).
 */
export function* vcpuRun(vcpu: KvmVcpu, cpu: number, guest: GuestProgram | undefined, endedOn?: RunPlace): Op<RunResult> {
  yield vcpu.mutex.acquire;
  try {
    if (!vcpu.hasFlag(VCPU_FLAG.INITIALIZED)) return { ret: -errno.ENOEXEC };
    const ret = yield* runPidChange(vcpu);
    if (ret) return { ret };
    yield* vcpuLoad(vcpu, cpu);
    const run = runContext(vcpu, cpu);
    try {
      yield* serviceRequestsSteps(vcpu, run.createPoint);
      // Between request servicing and guest entry (kvm_vcpu_exit_request): another thread
      // may change what the entry checks read.
      yield EXIT_REQUEST;
      if (shouldNotifyUser(vcpu, vcpu.vm.vgic.created)) return { ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR };
      if (vcpu.hasFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU)) return failEntry(run.cpu);
      checkGuestEntry(vcpu, run.cpu);
      run.guest = new GuestCpu(vcpu, run.cpu, 1, (to) => preemptAndMigrate(vcpu, run, to));
      // A plain guest function may return anything (an arrow's last read): only a generator is run.
      const program: unknown = guest?.(run.guest);
      if (isGenerator(program)) {
        try {
          yield* program;
        } catch (e) {
          if (!(e instanceof RunLoopExit)) throw e;
          return e.result;
        }
      }
      updateState(vcpu); // sync_hwstate after the exit
      // A level change during the guest (an overflow) makes the run loop's next exit
      // request return -EINTR — also one that went back before the program ended (each
      // trapped access is an exit); the guest program has run to completion by then.
      if (run.guest.levelChangeUnseen || shouldNotifyUser(vcpu, vcpu.vm.vgic.created)) return { ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR };
      return { ret: 0 };
    } finally {
      if (endedOn) {
        endedOn.cpu = run.cpu;
        endedOn.left = run.left;
      }
      // kvm_pmu_update_run: every return to a userspace irqchip reports the line level.
      if (!vcpu.vm.vgic.created) vcpu.userIrqLevel = vcpu.irqLevel;
      yield* vcpuPut(vcpu);
    }
  } finally {
    yield vcpu.mutex.release;
  }
}
