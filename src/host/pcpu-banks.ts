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
 */
import { CYCLE_IDX, EVENT, U64 } from '../arch/pmu-bits.js';
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
    ENABLE: L.i32(cpus), // enable bits (bit 31: the cycle counter)
    OVS: L.i32(cpus), // hardware overflow flags since sched-in
  };
  return { ...o, layout: L.build() };
}

export function pcpuBanksLayout(cpus: number): Layout {
  return offsets(cpus).layout;
}

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
    if (fresh) this.i32.fill(-1, this.o.EVT, this.o.EVT + counters.length * 32);
  }

  /** Claims a counter for `event` (cycles prefer the cycle counter); -1 if none is free. */
  alloc(cpu: number, event: number, owner: number, flags: number): number {
    const base = cpu * 32;
    let slot = -1;
    if (event === EVENT.CPU_CYCLES && this.i32[this.o.EVT + base + CYCLE_IDX]! < 0) slot = CYCLE_IDX;
    for (let i = 0; slot < 0 && i < this.counters[cpu]!; i++) if (this.i32[this.o.EVT + base + i]! < 0) slot = i;
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
