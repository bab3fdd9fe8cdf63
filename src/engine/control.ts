/**
 * The engine's control region, one SharedArrayBuffer for a run: the stop/start words, each
 * vCPU's scheduling state, each pCPU's doorbell, and each thread's statistics and status.
 * Every word has one writer except where a comment says otherwise; the coordinator only
 * reads (statistics are published with atomic adds, so a reader never sees a torn value).
 */
import { lockdepWords, type SyncWords } from '../check/lockdep-shared.js';
import { LayoutBuilder, type Region } from '../mem/region.js';
import { park, type SyncOp } from '../sync/seam.js';

/** Per-thread statistics (u64). */
export const STAT = Object.freeze({
  LOADS: 0,
  MIGRATIONS: 1,
  ACCESSES: 2,
  IOCTLS: 3,
  CRASHES: 4,
  FAIL_ENTRIES: 5,
  RUN_ERRORS: 6,
  QUANTA: 7,
  /** Bumped at every completed operation: the watchdog's progress signal. */
  HEARTBEAT: 8,
  /** Reload requests raised by the per-load check (spec §5.5). */
  LOAD_RELOADS: 9,
  /** §8 item 4: a guest entered on a CPU outside supported_cpus. */
  ITEM4: 10,
  /** Migrations to a CPU of another host PMU (where the per-load check must fire). */
  CLUSTER_MIGRATIONS: 11,
  /** KVM_RUNs that entered the guest. */
  ENTRIES: 12,
  /** Guest cycles executed (the sim driver's virtual clock charges them at GUEST_GHZ). */
  GUEST_CYCLES: 13,
});
const NSTATS = 14;
/** Errno histogram per thread: index = -ret (0 = success). */
export const ERRNO_SLOTS = 32;

/** vCPU scheduling state values (besides ≥ 0: ready to run on that pCPU). */
export const SCHED = Object.freeze({ RUNNING: -1, DONE: -2, CRASHED: -3, UNCREATED: -4 });

/** Why a guest died (per vCPU). */
export const CRASH = Object.freeze({ NONE: 0, WORKLOAD: 1, UNDEF: 2 });

/** A guest death as shared words: indices into the register table and arm_pmus (-1: none). */
export interface CrashWords {
  kind: number;
  cpu: number;
  quantum: number;
  register: number;
  sourcePmu: number;
  targetPmu: number;
  /** 1 if the VM's counter count changed during the KVM_RUN the guest died in (§8 item 13). */
  countChangedInRun: number;
  message: string;
}
const CRASH_TEXT_BYTES = 200;
const CRASH_WORDS = 7 + CRASH_TEXT_BYTES / 4;

/** Shared by every Control: crash texts are rare, but a new coder per call is not cheap. */
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** `waitingOn` of a thread that waits for an RCU grace period rather than a lock. */
export const WAITING_GRACE_PERIOD = -2;

/** Thread status values. */
export const STATUS = Object.freeze({ STARTING: 0, RUNNING: 1, IDLE: 2, WAITING: 3, EXITED: 4 });

export interface ControlShape {
  cpus: number;
  vcpus: number;
  threads: number;
}

export class Control {
  readonly i32: Int32Array;
  readonly u64: BigUint64Array;
  private readonly o: Offsets;

  constructor(
    readonly shape: ControlShape,
    readonly region: Region,
  ) {
    this.i32 = region.i32;
    this.u64 = region.u64;
    this.o = offsets(shape);
  }

  static create(shape: ControlShape): Control {
    return new Control(shape, offsets(shape).layout.allocate(true));
  }

  static attach(shape: ControlShape, buffer: SharedArrayBuffer): Control {
    return new Control(shape, offsets(shape).layout.view(buffer));
  }

  get buffer(): SharedArrayBuffer {
    return this.region.buffer as SharedArrayBuffer;
  }

  // --- run control ---
  stopped(): boolean {
    return Atomics.load(this.i32, this.o.STOP) !== 0;
  }
  stop(): void {
    Atomics.store(this.i32, this.o.STOP, 1);
    Atomics.notify(this.i32, this.o.STOP);
    Atomics.notify(this.i32, this.o.START); // threads still waiting to start leave too
    for (let c = 0; c < this.shape.cpus; c++) this.ring(c);
  }
  /** Fault injection: thread `slot` throws at its next check. */
  injectFault(slot: number): void {
    Atomics.store(this.i32, this.o.FAULT, slot + 1);
  }
  faultInjected(slot: number): boolean {
    return Atomics.load(this.i32, this.o.FAULT) === slot + 1;
  }
  /** The step that idles until the run stops. */
  parkUntilStopped(label: string): SyncOp {
    return park(label, this.i32, this.o.STOP, 0);
  }
  /** Workers block here until the coordinator starts (or abandons) the run. */
  awaitStart(): void {
    while (Atomics.load(this.i32, this.o.START) === 0 && !this.stopped()) Atomics.wait(this.i32, this.o.START, 0, 100);
  }
  start(): void {
    Atomics.store(this.i32, this.o.START, 1);
    Atomics.notify(this.i32, this.o.START);
  }

  // --- vCPU scheduling (writers: the pCPU that runs the vCPU; the coordinator at setup) ---
  sched(v: number): number {
    return Atomics.load(this.i32, this.o.SCHED + v);
  }
  /** Claims vCPU v if it is ready for `cpu`; true if this thread now runs it. */
  claim(v: number, cpu: number): boolean {
    return Atomics.compareExchange(this.i32, this.o.SCHED + v, cpu, SCHED.RUNNING) === cpu;
  }
  /** Makes vCPU v ready on `cpu` (or DONE/CRASHED) and rings that pCPU's doorbell. */
  setSched(v: number, state: number): void {
    Atomics.store(this.i32, this.o.SCHED + v, state);
    if (state >= 0) this.ring(state);
  }
  lastCpu(v: number): number {
    return this.i32[this.o.LAST_CPU + v]!;
  }
  setLastCpu(v: number, cpu: number): void {
    this.i32[this.o.LAST_CPU + v] = cpu;
  }
  vcpuQuanta(v: number): number {
    return this.i32[this.o.VCPU_QUANTA + v]!;
  }
  countVcpuQuantum(v: number): number {
    return ++this.i32[this.o.VCPU_QUANTA + v]!;
  }
  crashKind(v: number): number {
    return this.i32[this.o.CRASH_KIND + v]!;
  }
  /** Records how vCPU v died (written once, by the pCPU that ran it; read after the run). */
  setCrash(v: number, c: CrashWords): void {
    const at = this.o.CRASH + v * CRASH_WORDS;
    this.i32[at] = c.cpu;
    this.i32[at + 1] = c.quantum;
    this.i32[at + 2] = c.register;
    this.i32[at + 3] = c.sourcePmu;
    this.i32[at + 4] = c.targetPmu;
    this.i32[at + 6] = c.countChangedInRun;
    const bytes = new Uint8Array(this.i32.buffer, this.i32.byteOffset + (at + 7) * 4, CRASH_TEXT_BYTES);
    const n = utf8Encoder.encodeInto(c.message.slice(0, CRASH_TEXT_BYTES), bytes).written;
    this.i32[at + 5] = n;
    this.i32[this.o.CRASH_KIND + v] = c.kind;
  }
  crash(v: number): CrashWords {
    const at = this.o.CRASH + v * CRASH_WORDS;
    const n = this.i32[at + 5]!;
    const bytes = new Uint8Array(this.i32.buffer, this.i32.byteOffset + (at + 7) * 4, n).slice();
    return {
      kind: this.i32[this.o.CRASH_KIND + v]!,
      cpu: this.i32[at]!,
      quantum: this.i32[at + 1]!,
      register: this.i32[at + 2]!,
      sourcePmu: this.i32[at + 3]!,
      targetPmu: this.i32[at + 4]!,
      countChangedInRun: this.i32[at + 6]!,
      message: utf8Decoder.decode(bytes),
    };
  }
  /** Per-vCPU PRNG state (seeded policy), so a vCPU's draws do not depend on the worker. */
  rngState(v: number): number {
    return this.i32[this.o.RNG + v]!;
  }
  setRngState(v: number, s: number): void {
    this.i32[this.o.RNG + v] = s;
  }

  // --- doorbells ---
  doorbell(cpu: number): number {
    return Atomics.load(this.i32, this.o.DOORBELL + cpu);
  }
  ring(cpu: number): void {
    Atomics.add(this.i32, this.o.DOORBELL + cpu, 1);
    Atomics.notify(this.i32, this.o.DOORBELL + cpu, 1);
  }
  /** The step that idles pCPU `cpu` until its doorbell moves from `seen`. */
  parkOnDoorbell(cpu: number, seen: number): SyncOp {
    return park('pcpu idle', this.i32, this.o.DOORBELL + cpu, seen);
  }

  // --- per-thread statistics and status ---
  add(thread: number, stat: number, n: bigint | number = 1n): void {
    Atomics.add(this.u64, this.o.STATS + thread * NSTATS + stat, BigInt(n));
  }
  stat(thread: number, stat: number): bigint {
    return Atomics.load(this.u64, this.o.STATS + thread * NSTATS + stat);
  }
  total(stat: number): bigint {
    let t = 0n;
    for (let th = 0; th < this.shape.threads; th++) t += this.stat(th, stat);
    return t;
  }
  countErrno(thread: number, ret: number): void {
    Atomics.add(this.u64, this.o.ERRNOS + thread * ERRNO_SLOTS + Math.min(-ret, ERRNO_SLOTS - 1), 1n);
  }
  /** How many of thread's ioctls or runs returned -errno (`ERRNO_SLOTS - 1`: any errno past the table). */
  errnoCount(thread: number, errno: number): bigint {
    return Atomics.load(this.u64, this.o.ERRNOS + thread * ERRNO_SLOTS + errno);
  }
  setStatus(thread: number, status: number, waitingOn = -1): void {
    Atomics.store(this.i32, this.o.WAITING_ON + thread, waitingOn);
    Atomics.store(this.i32, this.o.STATUS + thread, status);
  }
  status(thread: number): { status: number; waitingOn: number } {
    return {
      status: Atomics.load(this.i32, this.o.STATUS + thread),
      waitingOn: Atomics.load(this.i32, this.o.WAITING_ON + thread),
    };
  }

  // --- lockdep's shared graph (check/lockdep-shared.ts) ---
  syncWords(): SyncWords {
    return { i32: this.i32, at: this.o.LOCKDEP, threads: this.shape.threads };
  }
}

type Offsets = ReturnType<typeof layOut>;

/**
 * The region's layout for a shape: one frozen object per shape, since the sim driver makes a
 * Control for every execution and the layout only depends on the three counts.
 */
const layouts = new Map<string, Offsets>();
function offsets(shape: ControlShape): Offsets {
  const key = `${shape.cpus},${shape.vcpus},${shape.threads}`;
  let o = layouts.get(key);
  if (!o) {
    o = Object.freeze(layOut(shape));
    layouts.set(key, o);
  }
  return o;
}

function layOut({ cpus, vcpus, threads }: ControlShape) {
  const L = new LayoutBuilder();
  const o = {
    STOP: L.i32(),
    START: L.i32(),
    FAULT: L.i32(),
    SCHED: L.i32(vcpus),
    LAST_CPU: L.i32(vcpus),
    VCPU_QUANTA: L.i32(vcpus),
    RNG: L.i32(vcpus),
    CRASH_KIND: L.i32(vcpus),
    CRASH: L.i32(vcpus * CRASH_WORDS),
    DOORBELL: L.i32(cpus),
    STATUS: L.i32(threads),
    WAITING_ON: L.i32(threads),
    STATS: L.u64(threads * NSTATS),
    ERRNOS: L.u64(threads * ERRNO_SLOTS),
    LOCKDEP: L.i32(lockdepWords(threads)),
  };
  return { ...o, layout: L.build() };
}
