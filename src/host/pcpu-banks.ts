/**
 * Each physical CPU's hardware PMU register bank, in shared memory: 31 event counters and
 * the cycle counter (index 31), the event the host programmed into each, which perf event
 * owns it, its exclusion flags, the enable bits and the overflow flags. Host perf schedules
 * a vCPU thread's pinned events onto the bank of the CPU it runs on (sched-in, at
 * vcpu_load) and takes them off at sched-out (vcpu_put), folding the hardware count into
 * the perf event. An event of a PMU that does not cover the CPU is never scheduled there —
 * which is why guest counters freeze on the other cluster (spec §5.2).
 *
 * A CPU's bank is written only by the thread running on that CPU (the engine's pCPU
 * worker, or the caller of the direct API); other threads only read it, for inspection.
 *
 * Partitioned PMU (spec §6): the bank also holds the guest-visible registers of a real PMU
 * (PMCR, PMSELR, PMUSERENR, PMINTENSET, the hardware PMEVTYPERs) that `kvm_pmu_load` writes
 * for a partitioned vCPU. While a guest range [0, HPMN) ∪ {cycle counter} is claimed, host
 * perf allocates only above it, and the host events that were in it are displaced (moved
 * to a free host counter, or parked without counting when none is free) until the range is
 * released, when they return to their own counters (§6.1, v7+ upper bound). A static split
 * (v5/v6) instead sets the host's floor once at boot.
 */
import { bit, CYCLE_IDX, EVENT, U64 } from '../arch/pmu-bits.js';
import { LayoutBuilder, type Layout, type Region } from '../mem/region.js';

export interface ProgrammedCounter {
  readonly slot: number;
  readonly event: number;
  readonly owner: number;
  readonly enabled: boolean;
  readonly count: bigint;
}

function offsets(cpus: number) {
  const L = new LayoutBuilder();
  const o = {
    CNT: L.u64(cpus * 32),
    EVT: L.i32(cpus * 32), // programmed event number, -1 = free
    OWNER: L.i32(cpus * 32), // owning perf event: vCPU key × 32 + counter index
    FLAGS: L.i32(cpus * 32), // the perf event's exclusion flags
    ENABLE: L.i32(cpus), // enable bits = PMCNTENSET (bit 31: the cycle counter)
    OVS: L.i32(cpus), // hardware overflow flags since sched-in
    TYPE: L.i32(cpus * 32), // hardware PMEVTYPER<n> / PMCCFILTR of guest counters
    PMCR: L.i32(cpus),
    PMSELR: L.i32(cpus),
    PMUSERENR: L.i32(cpus),
    INTEN: L.i32(cpus), // PMINTENSET
    GUEST: L.i32(cpus), // claimed guest range (HPMN), -1 = none
    FLOOR: L.i32(cpus), // first general counter host perf may use
    SAVED_FLOOR: L.i32(cpus),
    HOST_CYCLE: L.i32(cpus), // 1: host perf may use the cycle counter
    SAVED_CYCLE: L.i32(cpus),
    DISP: L.i32(cpus * 32), // where the host event of counter s went: a counter, PARKED, or -1
    P_CNT: L.u64(cpus * 32), // parked host events (displaced, no free counter)
    P_EVT: L.i32(cpus * 32),
    P_OWNER: L.i32(cpus * 32),
    P_FLAGS: L.i32(cpus * 32),
    P_EN: L.i32(cpus),
  };
  return { ...o, layout: L.build() };
}

export function pcpuBanksLayout(cpus: number): Layout {
  return offsets(cpus).layout;
}

/** Owner of a counter a partitioned guest has loaded (not a perf event). */
export const GUEST_OWNER = -2;
const PARKED = 32;

export class PcpuBanks {
  private readonly o: ReturnType<typeof offsets>;
  private readonly i32: Int32Array;
  private readonly u64: BigUint64Array;

  /**
   * `counters[c]`: general-purpose counters of CPU c's PMU (0 for a CPU without one).
   * `fresh`: mark every counter free (false when attaching to banks another thread owns).
   */
  constructor(
    readonly region: Region,
    private readonly counters: readonly number[],
    fresh: boolean,
  ) {
    this.o = offsets(counters.length);
    this.i32 = region.i32;
    this.u64 = region.u64;
    if (!fresh) return;
    const n = counters.length;
    this.i32.fill(-1, this.o.EVT, this.o.EVT + n * 32);
    this.i32.fill(-1, this.o.GUEST, this.o.GUEST + n);
    this.i32.fill(1, this.o.HOST_CYCLE, this.o.HOST_CYCLE + n);
    this.i32.fill(-1, this.o.DISP, this.o.DISP + n * 32);
  }

  /** General-purpose counters of CPU `cpu`'s PMU. */
  countersOf(cpu: number): number {
    return this.counters[cpu]!;
  }

  /** The static split (spec §6.1, v5/v6): host perf never uses counters below `floor` nor the cycle counter. */
  setStaticFloor(cpu: number, floor: number): void {
    this.i32[this.o.FLOOR + cpu] = floor;
    this.i32[this.o.HOST_CYCLE + cpu] = 0;
  }

  /** A free counter host perf may use for `event` (cycles prefer the cycle counter), -1 if none. */
  private freeHostSlot(cpu: number, event: number): number {
    const base = cpu * 32;
    if (event === EVENT.CPU_CYCLES && this.i32[this.o.HOST_CYCLE + cpu] === 1 && this.i32[this.o.EVT + base + CYCLE_IDX]! < 0) return CYCLE_IDX;
    for (let i = this.i32[this.o.FLOOR + cpu]!; i < this.counters[cpu]!; i++) if (this.i32[this.o.EVT + base + i]! < 0) return i;
    return -1;
  }

  /** Claims a counter for `event` (cycles prefer the cycle counter); -1 if none is free. */
  alloc(cpu: number, event: number, owner: number, flags: number): number {
    const base = cpu * 32;
    const slot = this.freeHostSlot(cpu, event);
    if (slot < 0) return -1;
    this.i32[this.o.EVT + base + slot] = event;
    this.i32[this.o.OWNER + base + slot] = owner;
    this.i32[this.o.FLAGS + base + slot] = flags;
    this.u64[this.o.CNT + base + slot] = 0n;
    return slot;
  }

  free(cpu: number, slot: number): void {
    const at = cpu * 32 + slot;
    this.i32[this.o.EVT + at] = -1;
    this.i32[this.o.OWNER + at] = -1;
    this.i32[this.o.ENABLE + cpu] &= ~(1 << slot);
    this.i32[this.o.OVS + cpu] &= ~(1 << slot);
    this.u64[this.o.CNT + at] = 0n;
  }

  read(cpu: number, slot: number): bigint {
    return this.u64[this.o.CNT + cpu * 32 + slot]!;
  }

  /** Counts `n` events on a counter (64-bit, as perf programs them; a wrap sets its overflow flag). */
  add(cpu: number, slot: number, n: bigint): void {
    const at = this.o.CNT + cpu * 32 + slot;
    const v = this.u64[at]! + n;
    this.u64[at] = v & U64;
    if (v > U64) this.i32[this.o.OVS + cpu] |= 1 << slot;
  }

  setEnabled(cpu: number, slot: number, on: boolean): void {
    const at = this.o.ENABLE + cpu;
    this.i32[at] = on ? this.i32[at]! | (1 << slot) : this.i32[at]! & ~(1 << slot);
  }

  enabled(cpu: number, slot: number): boolean {
    return ((this.i32[this.o.ENABLE + cpu]! >>> slot) & 1) === 1;
  }

  flags(cpu: number, slot: number): number {
    return this.i32[this.o.FLAGS + cpu * 32 + slot]!;
  }

  /** Moves the event on counter `from` to counter `to` (free), with its count, flags and enable bit. */
  private move(cpu: number, from: number, to: number): void {
    const a = cpu * 32 + from;
    const b = cpu * 32 + to;
    this.i32[this.o.EVT + b] = this.i32[this.o.EVT + a]!;
    this.i32[this.o.OWNER + b] = this.i32[this.o.OWNER + a]!;
    this.i32[this.o.FLAGS + b] = this.i32[this.o.FLAGS + a]!;
    this.u64[this.o.CNT + b] = this.u64[this.o.CNT + a]!;
    this.setEnabled(cpu, to, this.enabled(cpu, from));
    this.free(cpu, from);
  }

  /** Parks the event on counter `s` (no free host counter): it keeps its count and does not count. */
  private park(cpu: number, s: number): void {
    const a = cpu * 32 + s;
    this.i32[this.o.P_EVT + a] = this.i32[this.o.EVT + a]!;
    this.i32[this.o.P_OWNER + a] = this.i32[this.o.OWNER + a]!;
    this.i32[this.o.P_FLAGS + a] = this.i32[this.o.FLAGS + a]!;
    this.u64[this.o.P_CNT + a] = this.u64[this.o.CNT + a]!;
    if (this.enabled(cpu, s)) this.i32[this.o.P_EN + cpu] |= 1 << s;
    this.free(cpu, s);
  }

  private unpark(cpu: number, s: number): void {
    const a = cpu * 32 + s;
    this.i32[this.o.EVT + a] = this.i32[this.o.P_EVT + a]!;
    this.i32[this.o.OWNER + a] = this.i32[this.o.P_OWNER + a]!;
    this.i32[this.o.FLAGS + a] = this.i32[this.o.P_FLAGS + a]!;
    this.u64[this.o.CNT + a] = this.u64[this.o.P_CNT + a]!;
    this.setEnabled(cpu, s, ((this.i32[this.o.P_EN + cpu]! >>> s) & 1) === 1);
    this.i32[this.o.P_EN + cpu] &= ~(1 << s);
  }

  /** The guest range claimed on `cpu` (HPMN of the loaded partitioned vCPU), -1 if none. */
  guestRange(cpu: number): number {
    return this.i32[this.o.GUEST + cpu]!;
  }

  /**
   * `perf_pmu_resched` out of the guest range (spec §6.1, v7+): the guest gets counters
   * [0, hpmn) and the cycle counter; host events there move to free host counters above,
   * or are parked. Returns how many host events were displaced.
   */
  claimGuest(cpu: number, hpmn: number): number {
    this.i32[this.o.GUEST + cpu] = hpmn;
    this.i32[this.o.SAVED_FLOOR + cpu] = this.i32[this.o.FLOOR + cpu]!;
    this.i32[this.o.FLOOR + cpu] = Math.max(hpmn, this.i32[this.o.FLOOR + cpu]!);
    this.i32[this.o.SAVED_CYCLE + cpu] = this.i32[this.o.HOST_CYCLE + cpu]!;
    this.i32[this.o.HOST_CYCLE + cpu] = 0;
    let moved = 0;
    for (let s = 0; s < 32; s++) {
      if ((s >= hpmn && s !== CYCLE_IDX) || this.i32[this.o.EVT + cpu * 32 + s]! < 0) continue;
      const to = this.freeHostSlot(cpu, -1);
      if (to >= 0) this.move(cpu, s, to);
      else this.park(cpu, s);
      this.i32[this.o.DISP + cpu * 32 + s] = to >= 0 ? to : PARKED;
      moved++;
    }
    for (let s = 0; s < 32; s++) if (s < hpmn || s === CYCLE_IDX) this.claimSlot(cpu, s);
    return moved;
  }

  private claimSlot(cpu: number, s: number): void {
    const at = cpu * 32 + s;
    this.i32[this.o.EVT + at] = s === CYCLE_IDX ? EVENT.CPU_CYCLES : 0;
    this.i32[this.o.OWNER + at] = GUEST_OWNER;
    this.i32[this.o.FLAGS + at] = 0;
  }

  /** Gives the guest range back: guest counters freed, displaced host events back on their own counters. Returns how many came back. */
  releaseGuest(cpu: number): number {
    const hpmn = this.guestRange(cpu);
    if (hpmn < 0) return 0;
    for (let s = 0; s < 32; s++) if (s < hpmn || s === CYCLE_IDX) this.free(cpu, s);
    this.i32[this.o.PMCR + cpu] = 0;
    this.i32[this.o.INTEN + cpu] = 0;
    this.i32[this.o.PMUSERENR + cpu] = 0;
    let back = 0;
    for (let s = 0; s < 32; s++) {
      const at = this.i32[this.o.DISP + cpu * 32 + s]!;
      if (at < 0) continue;
      if (at === PARKED) this.unpark(cpu, s);
      else this.move(cpu, at, s);
      this.i32[this.o.DISP + cpu * 32 + s] = -1;
      back++;
    }
    this.i32[this.o.FLOOR + cpu] = this.i32[this.o.SAVED_FLOOR + cpu]!;
    this.i32[this.o.HOST_CYCLE + cpu] = this.i32[this.o.SAVED_CYCLE + cpu]!;
    this.i32[this.o.GUEST + cpu] = -1;
    return back;
  }

  // --- the guest-visible registers of a claimed range (spec §6.4) ---
  setCount(cpu: number, slot: number, v: bigint): void {
    this.u64[this.o.CNT + cpu * 32 + slot] = v & U64;
  }
  /** Hardware PMEVTYPER<slot> (PMCCFILTR for 31) as the guest range has it. */
  type(cpu: number, slot: number): bigint {
    return BigInt(this.i32[this.o.TYPE + cpu * 32 + slot]! >>> 0);
  }
  setType(cpu: number, slot: number, v: bigint, event: number): void {
    this.i32[this.o.TYPE + cpu * 32 + slot] = Number(v & 0xffffffffn) | 0;
    this.i32[this.o.EVT + cpu * 32 + slot] = event;
  }
  pmcr(cpu: number): bigint {
    return BigInt(this.i32[this.o.PMCR + cpu]! >>> 0);
  }
  setPmcr(cpu: number, v: bigint): void {
    this.i32[this.o.PMCR + cpu] = Number(v & 0xffn);
  }
  pmselr(cpu: number): bigint {
    return BigInt(this.i32[this.o.PMSELR + cpu]!);
  }
  setPmselr(cpu: number, v: bigint): void {
    this.i32[this.o.PMSELR + cpu] = Number(v & 0x1fn);
  }
  pmuserenr(cpu: number): bigint {
    return BigInt(this.i32[this.o.PMUSERENR + cpu]!);
  }
  setPmuserenr(cpu: number, v: bigint): void {
    this.i32[this.o.PMUSERENR + cpu] = Number(v & 0xfn);
  }
  /** PMCR, PMINTENSET and PMCNTENSET as numbers (the hot paths' view of the same words). */
  pmcr32(cpu: number): number {
    return this.i32[this.o.PMCR + cpu]! >>> 0;
  }
  inten32(cpu: number): number {
    return this.i32[this.o.INTEN + cpu]! >>> 0;
  }
  enable32(cpu: number): number {
    return this.i32[this.o.ENABLE + cpu]! >>> 0;
  }
  /** PMCNTENSET, PMINTENSET and the overflow flags as 32-bit masks (bit 31: the cycle counter). */
  enableMask(cpu: number): bigint {
    return BigInt(this.i32[this.o.ENABLE + cpu]! >>> 0);
  }
  intenMask(cpu: number): bigint {
    return BigInt(this.i32[this.o.INTEN + cpu]! >>> 0);
  }
  ovsMask(cpu: number): bigint {
    return BigInt(this.i32[this.o.OVS + cpu]! >>> 0);
  }
  /** Writes a SET (`set`) or CLR view of PMCNTENSET / PMINTENSET / PMOVSSET: `v` only within `mask`. */
  writeBits(cpu: number, which: 'enable' | 'inten' | 'ovs', v: bigint, mask: bigint, set: boolean): void {
    const at = (which === 'enable' ? this.o.ENABLE : which === 'inten' ? this.o.INTEN : this.o.OVS) + cpu;
    const m = Number(v & mask & 0xffffffffn) | 0;
    this.i32[at] = set ? this.i32[at]! | m : this.i32[at]! & ~m;
  }
  /** Whether counter `slot` is enabled in PMCNTENSET. */
  cntEnabled(cpu: number, slot: number): boolean {
    return (this.enableMask(cpu) & bit(slot)) !== 0n;
  }

  /** What the host has programmed into CPU `cpu`'s PMU right now. */
  programmed(cpu: number): ProgrammedCounter[] {
    const out: ProgrammedCounter[] = [];
    for (let slot = 0; slot < 32; slot++) {
      const at = cpu * 32 + slot;
      const event = this.i32[this.o.EVT + at]!;
      if (event < 0) continue;
      out.push({ slot, event, owner: this.i32[this.o.OWNER + at]!, enabled: this.enabled(cpu, slot), count: this.u64[this.o.CNT + at]! });
    }
    return out;
  }
}
