/**
 * Per-vCPU state (spec §2.2) in a shared-memory region: the PMU register file, the 32
 * `kvm_pmc` slots with their backing perf events, and the run-loop fields
 * (vcpu->cpu, flags, request bits, vcpu->mutex).
 */
import { LayoutBuilder, type Region } from '../mem/region.js';
import { LOCK_WORDS, LockRef } from '../sync/lock.js';
import { FEATURE, type KvmVm } from './vm-state.js';

/** Indices into the 64-bit register file. Counter/type n lives at EVCNTR+n / EVTYPER+n (31 = cycle). */
export const REG = Object.freeze({
  PMCR: 0,
  PMSELR: 1,
  PMCNTENSET: 2,
  PMINTENSET: 3,
  PMOVSSET: 4,
  PMUSERENR: 5,
  EVCNTR: 8,
  EVTYPER: 8 + 32,
});
const NR_REGS = REG.EVTYPER + 32;

/** Perf-event flag bits (what `create_perf_event` put into the perf attr, spec §5.2). */
export const EV = Object.freeze({ ENABLED: 1, EXCLUDE_USER: 2, EXCLUDE_KERNEL: 4, LONG: 8 });

/** Request bits (`kvm_make_request`), spec §5.4. */
export const REQ = Object.freeze({ RELOAD_PMU: 1 << 0, IRQ_PENDING: 1 << 1 });

/** vCPU flags. */
export const VCPU_FLAG = Object.freeze({
  ON_UNSUPPORTED_CPU: 1 << 0,
  INITIALIZED: 1 << 1, // VCPU_INITIALIZED: KVM_ARM_VCPU_INIT succeeded
  PMU_CREATED: 1 << 2, // vcpu->arch.pmu.created
  RAN: 1 << 3, // kvm_arch_vcpu_run_pid_change done
  LOADED: 1 << 4,
  TIMER_ENABLED: 1 << 5, // the arch timer claimed its PPIs (first run)
  CREATED: 1 << 6, // KVM_CREATE_VCPU done: the vCPU is in kvm_for_each_vcpu
  PMU_EVENTS_FOLDED: 1 << 7, // a partitioned context was loaded: the perf events were folded (spec §6.4)
});

/** `vcpu->arch.pmu.access` (spec §6.5): FREE (the host's) or GUEST_OWNED. */
export const PMU_ACCESS = Object.freeze({ FREE: 0, GUEST_OWNED: 1 });

/** Per-vCPU partitioned-PMU counters for reports and benchmarks (spec §6.2, §6.4). */
export const PSTAT = Object.freeze({
  /** kvm_pmu_load swaps and the registers they wrote. */
  SWAP_LOADS: 0,
  REGS_LOADED: 1,
  /** kvm_pmu_put swaps and the registers they read back. */
  SWAP_PUTS: 2,
  REGS_PUT: 3,
  /** Host perf events displaced out of the guest range by loads (and brought back by puts). */
  HOST_EVENTS_MOVED: 4,
  /** Guest PMU accesses served untrapped on the hardware. */
  DIRECT: 5,
  /** Trapped accesses served by the hyp fast path (no FGT, §6.2) without a full exit. */
  FAST_PATH: 6,
  /** Trapped accesses of a partitioned vCPU that took a full exit to KVM's handler. */
  FULL_EXITS: 7,
});
const NR_PSTAT = 8;

const L = new LayoutBuilder();
const REGS = L.u64(NR_REGS);
const EV_COUNT = L.u64(32); // perf_event_current_count of each backing event
const EV_PMU = L.i32(32); // arm_pmus entry of the event, -1 = no event
const EV_FLAGS = L.i32(32);
const EV_SEL = L.i32(32);
const EV_HW = L.i32(32); // hardware counter the event is scheduled on (while loaded), -1 = none
const FLAGS = L.i32();
const IRQ_NUM = L.i32();
const IRQ_LEVEL = L.i32();
const USER_IRQ_LEVEL = L.i32(); // what userspace last saw (no in-kernel irqchip)
const CPU = L.i32(); // vcpu->cpu, -1 = not loaded
const REQUESTS = L.i32();
const MUTEX = L.i32(LOCK_WORDS);
const LOAD_RELOADS = L.i32(); // observability: reload requests raised by the per-load check
const LOADS = L.i32(); // observability: vcpu_load calls
const MDCR_EL2 = L.i32(); // vcpu->arch.mdcr_el2 as in force now (a lazy switch reprograms it mid-run, spec §6.5)
const MDCR_AT_LOAD = L.i32(); // mdcr_el2 as programmed at the last vcpu_load (hostState, API.md)
const PMU_OWNER = L.i32(); // PMU_ACCESS (spec §6.5)
const CTX_CPU = L.i32(); // the CPU whose hardware holds this vCPU's partitioned context, -1 = none
const STATS = L.i32(NR_PSTAT);
const EV_MASK = L.i32(); // bit i: kvm_pmc i has a perf event (EV_PMU[i] >= 0)
const HW_MASK = L.i32(); // bit i: that event is on a hardware counter (EV_HW[i] >= 0)
export const vcpuLayout = L.build();

/** Run-loop events a driver may log (the engine's flight recorder). */
export type VcpuTraceEvent = 'load' | 'put' | 'raise' | 'service';

/** The register file's 32-bit view puts register r's low half at word 2r: little-endian only. */
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('vpmu-lab: the register file needs a little-endian host');

export class KvmVcpu {
  readonly mutex: LockRef;
  /** Set by a driver that logs run-loop events; unset in the direct and stepper drivers. */
  trace: ((event: VcpuTraceEvent, arg: number) => void) | undefined;
  readonly regs: BigUint64Array;
  /**
   * The same register file as 32-bit halves (`lo`, `hi`): the hot paths read bitmaps, PMCR,
   * PMSELR and types as numbers, without a BigInt per access; 64-bit values are BigInts only
   * where a whole register is read or written (the API's values, counters).
   */
  readonly r32: Uint32Array;
  /** Identifies this vCPU's perf events as owners of hardware counters (vm id × 64 + vcpu id). */
  readonly key: number;
  readonly evCount: BigUint64Array;
  readonly i32: Int32Array;

  constructor(
    readonly vm: KvmVm,
    readonly id: number,
    readonly region: Region,
    /** False when attaching to a region another thread already initialised. */
    fresh = true,
  ) {
    this.regs = region.u64.subarray(REGS, REGS + NR_REGS);
    this.r32 = new Uint32Array(this.regs.buffer, this.regs.byteOffset, NR_REGS * 2);
    this.evCount = region.u64.subarray(EV_COUNT, EV_COUNT + 32);
    this.i32 = region.i32;
    this.mutex = new LockRef('vcpu->mutex', `vm${vm.id} vcpu${id}->mutex`, this.i32, MUTEX, id);
    this.key = vm.id * 64 + id;
    if (!fresh) return;
    this.i32[CPU] = -1;
    this.i32[CTX_CPU] = -1;
    this.i32.fill(-1, EV_PMU, EV_PMU + 32);
    this.i32.fill(-1, EV_HW, EV_HW + 32);
  }

  get name(): string {
    return `vm${this.vm.id}/vcpu${this.id}`;
  }

  // --- feature bits and flags ---
  /**
   * `kvm_vcpu_has_pmu`: vCPU features are VM-wide (`kvm->arch.vcpu_features`), so a vCPU
   * that has not done KVM_ARM_VCPU_INIT yet already "has" the PMU once another vCPU has —
   * the door §8 item 13 goes through.
   */
  hasPmu(): boolean {
    return (this.vm.features & FEATURE.PMU_V3) !== 0;
  }
  isAarch32(): boolean {
    return (this.vm.features & FEATURE.EL1_32BIT) !== 0;
  }
  hasFlag(f: number): boolean {
    return (Atomics.load(this.i32, FLAGS) & f) !== 0;
  }
  setFlag(f: number): void {
    Atomics.or(this.i32, FLAGS, f);
  }
  clearFlag(f: number): void {
    Atomics.and(this.i32, FLAGS, ~f);
  }

  // --- IRQ ---
  get irqNum(): number {
    return this.i32[IRQ_NUM]!;
  }
  set irqNum(n: number) {
    this.i32[IRQ_NUM] = n;
  }
  /** `kvm_arm_pmu_irq_initialized`: irq_num >= VGIC_NR_SGIS (spec §2.2). */
  irqInitialized(): boolean {
    return this.i32[IRQ_NUM]! >= 16;
  }
  get irqLevel(): number {
    return this.i32[IRQ_LEVEL]!;
  }
  set irqLevel(l: number) {
    this.i32[IRQ_LEVEL] = l;
  }
  get userIrqLevel(): number {
    return this.i32[USER_IRQ_LEVEL]!;
  }
  set userIrqLevel(l: number) {
    this.i32[USER_IRQ_LEVEL] = l;
  }

  // --- run loop ---
  get cpu(): number {
    return Atomics.load(this.i32, CPU);
  }
  set cpu(c: number) {
    Atomics.store(this.i32, CPU, c);
  }
  makeRequest(req: number): void {
    this.trace?.('raise', req);
    Atomics.or(this.i32, REQUESTS, req);
  }
  /** `kvm_check_request`: test and clear. */
  checkRequest(req: number): boolean {
    return (Atomics.and(this.i32, REQUESTS, ~req) & req) !== 0;
  }
  /** How many times the FIXED per-load check raised KVM_REQ_RELOAD_PMU (spec §5.5). */
  get loadReloads(): number {
    return Atomics.load(this.i32, LOAD_RELOADS);
  }
  /**
   * Counted by the thread running the vCPU (vcpu_load runs under vcpu->mutex): one writer
   * at a time, the mutex orders them, so a plain increment; readers load it atomically.
   */
  countLoadReload(): void {
    this.i32[LOAD_RELOADS]!++;
  }
  /** How many times vcpu_load ran (a KVM_RUN that failed before it does not load). */
  get loads(): number {
    return Atomics.load(this.i32, LOADS);
  }
  /** Counted as `countLoadReload` is: by vcpu_load, under vcpu->mutex, a plain increment. */
  countLoad(): void {
    this.i32[LOADS]!++;
  }
  // --- partitioned PMU (spec §6) ---
  get mdcrEl2(): bigint {
    return BigInt(Atomics.load(this.i32, MDCR_EL2) >>> 0);
  }
  /** MDCR_EL2 as a number (the hot path's view: every vcpu_load computes and tests it). */
  get mdcr32(): number {
    return Atomics.load(this.i32, MDCR_EL2) >>> 0;
  }
  set mdcr32(v: number) {
    Atomics.store(this.i32, MDCR_EL2, v | 0);
  }
  set mdcrEl2(v: bigint) {
    Atomics.store(this.i32, MDCR_EL2, Number(v & 0xffffffffn) | 0);
  }
  /** MDCR_EL2 as programmed at the last vcpu_load (0n before the first): what hostState reports. */
  get mdcrAtLoad(): bigint {
    return BigInt(Atomics.load(this.i32, MDCR_AT_LOAD) >>> 0);
  }
  set mdcrAtLoad(v: bigint) {
    Atomics.store(this.i32, MDCR_AT_LOAD, Number(v & 0xffffffffn) | 0);
  }
  /** Records the MDCR_EL2 value a vcpu_load programmed (a number, as `mdcr32`). */
  setMdcrAtLoad32(v: number): void {
    Atomics.store(this.i32, MDCR_AT_LOAD, v | 0);
  }
  get pmuAccess(): number {
    return Atomics.load(this.i32, PMU_OWNER);
  }
  set pmuAccess(a: number) {
    Atomics.store(this.i32, PMU_OWNER, a);
  }
  /** The CPU whose hardware PMU holds this vCPU's context (`kvm_pmu_load` done), -1 if none. */
  get contextCpu(): number {
    return Atomics.load(this.i32, CTX_CPU);
  }
  set contextCpu(c: number) {
    Atomics.store(this.i32, CTX_CPU, c);
  }
  stat(k: number): number {
    return Atomics.load(this.i32, STATS + k);
  }
  countStat(k: number, n = 1): void {
    Atomics.add(this.i32, STATS + k, n);
  }

  pendingRequests(): number {
    return Atomics.load(this.i32, REQUESTS);
  }

  // --- perf events of the 32 kvm_pmc slots ---
  eventPmu(i: number): number {
    return this.i32[EV_PMU + i]!;
  }
  hasEvent(i: number): boolean {
    return this.i32[EV_PMU + i]! >= 0;
  }
  eventFlags(i: number): number {
    return this.i32[EV_FLAGS + i]!;
  }
  eventSel(i: number): number {
    return this.i32[EV_SEL + i]!;
  }
  /**
   * The counters with a perf event, as a bitmask (bit i: `hasEvent(i)`), and those whose
   * event is on the hardware (bit i: `hwSlot(i) >= 0`): sched-in, sched-out and guest
   * execution visit only those. Written with the slots they mirror, by the same writer and
   * as plainly: the thread that owns the vCPU (vcpu->mutex held, or running it).
   */
  eventMask(): number {
    return this.i32[EV_MASK]!;
  }
  hwMask(): number {
    return this.i32[HW_MASK]!;
  }
  setEvent(i: number, pmu: number, sel: number, flags: number): void {
    this.i32[EV_MASK] = pmu >= 0 ? this.i32[EV_MASK]! | (1 << i) : this.i32[EV_MASK]! & ~(1 << i);
    this.i32[EV_PMU + i] = pmu;
    this.i32[EV_SEL + i] = sel;
    this.i32[EV_FLAGS + i] = flags;
    this.evCount[i] = 0n;
  }
  setEventEnabled(i: number, on: boolean): void {
    const f = this.i32[EV_FLAGS + i]!;
    this.i32[EV_FLAGS + i] = on ? f | EV.ENABLED : f & ~EV.ENABLED;
  }
  /** The hardware counter event i is scheduled on, -1 if it is not on the hardware. */
  hwSlot(i: number): number {
    return this.i32[EV_HW + i]!;
  }
  setHwSlot(i: number, slot: number): void {
    this.i32[HW_MASK] = slot >= 0 ? this.i32[HW_MASK]! | (1 << i) : this.i32[HW_MASK]! & ~(1 << i);
    this.i32[EV_HW + i] = slot;
  }
  clearEvent(i: number): void {
    this.i32[EV_MASK] = this.i32[EV_MASK]! & ~(1 << i);
    this.i32[EV_PMU + i] = -1;
    this.i32[EV_FLAGS + i] = 0;
    this.i32[EV_SEL + i] = 0;
    this.evCount[i] = 0n;
  }

  // --- register file helpers ---
  reg(r: number): bigint {
    return this.regs[r]!;
  }
  /**
   * Bits [31:0] of register r, a number in [0, 2^32). Read by the thread that owns the
   * register file (the running vCPU, or vcpu->mutex held); writes stay whole 64-bit stores.
   */
  lo(r: number): number {
    return this.r32[2 * r]!;
  }
  /** Bits [63:32] of register r, a number in [0, 2^32). */
  hi(r: number): number {
    return this.r32[2 * r + 1]!;
  }
  setReg(r: number, v: bigint): void {
    this.regs[r] = v;
  }
  evcntr(i: number): bigint {
    return this.regs[REG.EVCNTR + i]!;
  }
  evtyper(i: number): bigint {
    return this.regs[REG.EVTYPER + i]!;
  }
}
