/**
 * The engine's control region, one SharedArrayBuffer for a run: the stop/start words, each
 * vCPU's scheduling state, each pCPU's doorbell, and each thread's statistics and status.
 * Every word has one writer except where a comment says otherwise; the coordinator only
 * reads.
 *
 * Layout for many threads at once: what one thread writes often sits on cache lines of its
 * own — each vCPU's scheduling words (written by the pCPU running it), each thread's status
 * and doorbell block, each thread's statistics (128 bytes: the pair of lines an adjacent-line
 * prefetcher pulls together) — so pCPUs running side by side never write the same line.
 *
 * Statistics: u64 words, read by the coordinator without locks. A pCPU counts its hot ones
 * in a `ThreadStats` of its own (plain adds, unshared) and publishes them every K quanta and
 * whenever it idles or exits; rare ones (crashes, failed entries, errnos) are published at
 * once with an atomic add. A word has one writer (its thread); a reader may see it a few
 * quanta behind, never torn (aligned 64-bit integer accesses do not tear), and the totals
 * are complete once the thread has flushed at its exit.
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
/** The hot statistics a pCPU counts in its ThreadStats; the others are published at once. */
const BATCHED: readonly number[] = Object.freeze([
  STAT.LOADS,
  STAT.MIGRATIONS,
  STAT.ACCESSES,
  STAT.QUANTA,
  STAT.LOAD_RELOADS,
  STAT.CLUSTER_MIGRATIONS,
  STAT.ENTRIES,
  STAT.GUEST_CYCLES,
]);
/** u64 words a thread's statistics take: NSTATS, padded to 128 bytes. */
const STAT_STRIDE = 16;
/** i32 words of a cache line (64 bytes): the stride of per-vCPU and per-thread blocks. */
const LINE_I32 = 16;
/**
 * Per-vCPU block: scheduling state, last CPU, quanta, PRNG state, crash kind. Only the pCPU
 * running the vCPU writes them, the rest with plain stores: the vCPU passes from one pCPU to
 * the next through its scheduling word (the placer's seq_cst store, the claimer's CAS), which
 * orders the previous runner's stores before the next runner's loads.
 */
const V_SCHED = 0;
const V_LAST_CPU = 1;
const V_QUANTA = 2;
const V_RNG = 3;
const V_CRASH_KIND = 4;
/** Per-thread block: status, what it waits on, its doorbell (pCPUs), sleepers on the doorbell. */
const T_STATUS = 0;
const T_WAITING_ON = 1;
const T_DOORBELL = 2;
const T_SLEEPERS = 3;
/** The hot statistics a pCPU batches in ThreadStats (the rest are published at once). */

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
  private vcpuAt(v: number): number {
    return this.o.VCPUS + v * LINE_I32;
  }
  sched(v: number): number {
    return Atomics.load(this.i32, this.vcpuAt(v) + V_SCHED);
  }
  /** Claims vCPU v if it is ready for `cpu`; true if this thread now runs it. */
  claim(v: number, cpu: number): boolean {
    return Atomics.compareExchange(this.i32, this.vcpuAt(v) + V_SCHED, cpu, SCHED.RUNNING) === cpu;
  }
  /**
   * Makes vCPU v ready on `cpu` (or DONE/CRASHED) and rings that pCPU's doorbell — unless
   * the placing pCPU is that one (`by`): it scans for work again before it ever parks.
   */
  setSched(v: number, state: number, by = -1): void {
    Atomics.store(this.i32, this.vcpuAt(v) + V_SCHED, state);
    if (state >= 0 && state !== by) this.ring(state);
  }
  lastCpu(v: number): number {
    return this.i32[this.vcpuAt(v) + V_LAST_CPU]!;
  }
  setLastCpu(v: number, cpu: number): void {
    this.i32[this.vcpuAt(v) + V_LAST_CPU] = cpu;
  }
  vcpuQuanta(v: number): number {
    return this.i32[this.vcpuAt(v) + V_QUANTA]!;
  }
  countVcpuQuantum(v: number): number {
    return ++this.i32[this.vcpuAt(v) + V_QUANTA]!;
  }
  crashKind(v: number): number {
    return this.i32[this.vcpuAt(v) + V_CRASH_KIND]!;
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
    this.i32[this.vcpuAt(v) + V_CRASH_KIND] = c.kind;
  }
  crash(v: number): CrashWords {
    const at = this.o.CRASH + v * CRASH_WORDS;
    const n = this.i32[at + 5]!;
    const bytes = new Uint8Array(this.i32.buffer, this.i32.byteOffset + (at + 7) * 4, n).slice();
    return {
      kind: this.crashKind(v),
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
    return this.i32[this.vcpuAt(v) + V_RNG]!;
  }
  setRngState(v: number, s: number): void {
    this.i32[this.vcpuAt(v) + V_RNG] = s;
  }

  // --- doorbells (pCPU `cpu` is thread `cpu`: the doorbell sits in its thread block) ---
  private threadAt(thread: number): number {
    return this.o.THREADS + thread * LINE_I32;
  }
  doorbell(cpu: number): number {
    return Atomics.load(this.i32, this.threadAt(cpu) + T_DOORBELL);
  }
  /**
   * Moves pCPU `cpu`'s doorbell on (any thread may ring it) and wakes the pCPU only if it is
   * asleep on it: its sleepers word is raised while it sleeps (HwTask.park), so a ring that
   * finds it 0 costs no futex call — see seam.ts 'park' for why no wake-up is lost.
   */
  ring(cpu: number): void {
    const at = this.threadAt(cpu);
    Atomics.add(this.i32, at + T_DOORBELL, 1);
    if (Atomics.load(this.i32, at + T_SLEEPERS) !== 0) Atomics.notify(this.i32, at + T_DOORBELL, 1);
  }
  /** The step that idles pCPU `cpu` until its doorbell moves from `seen`. */
  parkOnDoorbell(cpu: number, seen: number): SyncOp {
    const at = this.threadAt(cpu);
    return park('pcpu idle', this.i32, at + T_DOORBELL, seen, at + T_SLEEPERS);
  }

  // --- per-thread statistics and status ---
  private statAt(thread: number, stat: number): number {
    return this.o.STATS + thread * STAT_STRIDE + stat;
  }
  /** Publishes `n` more of `stat` at once (an atomic add: rare events, VMM threads). */
  add(thread: number, stat: number, n: bigint | number = 1n): void {
    Atomics.add(this.u64, this.statAt(thread, stat), BigInt(n));
  }
  stat(thread: number, stat: number): bigint {
    return Atomics.load(this.u64, this.statAt(thread, stat));
  }
  total(stat: number): bigint {
    let t = 0n;
    for (let th = 0; th < this.shape.threads; th++) t += this.stat(th, stat);
    return t;
  }
  /**
   * Thread `thread`'s batched counters (its own object; one per thread): published every
   * `publishEvery` quanta, and by `flush`.
   */
  threadStats(thread: number, publishEvery: number): ThreadStats {
    return new ThreadStats(this.u64, this.statAt(thread, 0), publishEvery);
  }
  countErrno(thread: number, ret: number): void {
    Atomics.add(this.u64, this.o.ERRNOS + thread * ERRNO_SLOTS + Math.min(-ret, ERRNO_SLOTS - 1), 1n);
  }
  /** How many of thread's ioctls or runs returned -errno (`ERRNO_SLOTS - 1`: any errno past the table). */
  errnoCount(thread: number, errno: number): bigint {
    return Atomics.load(this.u64, this.o.ERRNOS + thread * ERRNO_SLOTS + errno);
  }
  /**
   * Sets the thread's status (writer: the thread itself, so reading its own words back is
   * exact): words that already hold the values are not stored again — a lock taken without
   * waiting tells "running" to a thread that already is, on every acquisition.
   */
  setStatus(thread: number, status: number, waitingOn = -1): void {
    const at = this.threadAt(thread);
    const i32 = this.i32;
    if (i32[at + T_STATUS] === status && i32[at + T_WAITING_ON] === waitingOn) return;
    Atomics.store(i32, at + T_WAITING_ON, waitingOn);
    Atomics.store(i32, at + T_STATUS, status);
  }
  status(thread: number): { status: number; waitingOn: number } {
    const at = this.threadAt(thread);
    return {
      status: Atomics.load(this.i32, at + T_STATUS),
      waitingOn: Atomics.load(this.i32, at + T_WAITING_ON),
    };
  }

  // --- lockdep's shared graph (check/lockdep-shared.ts) ---
  syncWords(): SyncWords {
    return { i32: this.i32, at: this.o.LOCKDEP, threads: this.shape.threads };
  }
}

/** Unpublished guest accesses after which a quantum's end publishes anyway. */
const ACCESS_BATCH = 1 << 16;

/**
 * A thread's hot statistics as it counts them: plain adds into an array of its own, made
 * visible in its words of the control region every `publishEvery` quanta (`quantumDone`)
 * and at `flush` — which the pCPU loop calls before it idles and when it exits, so a
 * reader's totals are complete at the end of a run. The heartbeat is published at every
 * quantum (one plain store into the thread's own line): the watchdog looks at it per thread.
 *
 * Only the owning thread calls this object. It publishes a counter with an atomic add of
 * what moved since its last publication (so a `Control.add` of the same word by the same
 * thread is not lost), and the heartbeat — which only it writes — with a plain store of
 * the running count: aligned 64-bit integer stores do not tear, and a reader only needs to
 * see it move.
 */
export class ThreadStats {
  /** Totals counted so far, by STAT index; `published[s]` is what the words hold. */
  private readonly counted = new Float64Array(NSTATS);
  private readonly published = new Float64Array(NSTATS);
  private untilPublish: number;
  private beats: number;

  constructor(
    private readonly u64: BigUint64Array,
    /** The thread's first statistics word. */
    private readonly at: number,
    readonly publishEvery: number,
  ) {
    this.untilPublish = publishEvery;
    for (const s of BATCHED) this.counted[s] = this.published[s] = Number(Atomics.load(u64, at + s));
    this.beats = Number(Atomics.load(u64, at + STAT.HEARTBEAT));
  }

  add(stat: number, n = 1): void {
    this.counted[stat]! += n;
  }

  /**
   * A quantum completed: the heartbeat moves now, the other counters every `publishEvery`
   * quanta — or sooner after long quanta, once ACCESS_BATCH guest accesses are unpublished
   * (a hammer quantum is 10^4 of them), so a live reader's rates stay current.
   */
  quantumDone(): void {
    this.u64[this.at + STAT.HEARTBEAT] = BigInt(++this.beats);
    if (--this.untilPublish === 0 || this.counted[STAT.ACCESSES]! - this.published[STAT.ACCESSES]! >= ACCESS_BATCH) this.flush();
  }

  /** Publishes every counter that moved since the last publication. */
  flush(): void {
    this.untilPublish = this.publishEvery;
    for (let k = 0; k < BATCHED.length; k++) {
      const s = BATCHED[k]!;
      const d = this.counted[s]! - this.published[s]!;
      if (d === 0) continue;
      Atomics.add(this.u64, this.at + s, BigInt(d)); // the word may also take Control.add's
      this.published[s] = this.counted[s]!;
    }
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
  if (cpus > threads) throw new RangeError(`control: ${cpus} pCPUs but ${threads} threads (a pCPU is a thread)`);
  const L = new LayoutBuilder();
  const u = {
    // First in the buffer (page-aligned), in strides of 128 bytes.
    STATS: L.u64(threads * STAT_STRIDE),
    ERRNOS: L.u64(threads * ERRNO_SLOTS),
  };
  L.u64(8 - (L.u64(0) % 8)); // the i32 words start on a cache line
  const o = {
    ...u,
    STOP: L.i32(),
    START: L.i32(),
    FAULT: L.i32(),
    PAD: L.i32(LINE_I32 - 3), // read by every thread at every loop: a line no one writes often
    VCPUS: L.i32(vcpus * LINE_I32),
    THREADS: L.i32(threads * LINE_I32),
    CRASH: L.i32(vcpus * CRASH_WORDS),
    LOCKDEP: L.i32(lockdepWords(threads)),
  };
  return { ...o, layout: L.build() };
}
