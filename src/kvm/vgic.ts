/**
 * The slice of the vGIC the PMU depends on (spec §3.1–§3.2): created / initialised state,
 * the SPI count, and interrupt ownership (`kvm_vgic_set_owner`). PPIs are banked per vCPU:
 * the arch timer claims its PPIs (virtual 27, physical 30) at the vCPU's first run, the
 * PMU claims its own at PMU INIT; SPIs have one owner VM-wide.
 */
import { errno } from '../arch/errno.js';
import { LayoutBuilder, type Region } from '../mem/region.js';

/** Default SPI count when userspace does not set NR_IRQS (VGIC_NR_IRQS_LEGACY 256 − 32). */
export const DEFAULT_NR_SPIS = 224;
export const TIMER_PPIS: readonly number[] = Object.freeze([27, 30]);
const MAX_SPIS = 988;

const L = new LayoutBuilder();
const CREATED = L.i32();
const INITIALIZED = L.i32();
const NR_SPIS = L.i32();
const SPI_OWNER = L.i32(MAX_SPIS); // owner vCPU id + 1, 0 = free
export const vgicLayout = L.build();

export const isPpi = (irq: number): boolean => irq >= 16 && irq < 32;
export const isSpi = (irq: number): boolean => irq >= 32 && irq < 1020;

export class Vgic {
  readonly i32: Int32Array;

  /** `created` undefined: attach to a region another thread already initialised. */
  constructor(
    readonly region: Region,
    created?: boolean,
  ) {
    this.i32 = region.i32;
    if (created === undefined) return;
    this.i32[CREATED] = created ? 1 : 0;
    this.i32[NR_SPIS] = DEFAULT_NR_SPIS;
  }

  /** `irqchip_in_kernel`. */
  get created(): boolean {
    return this.i32[CREATED] === 1;
  }
  /** `vgic_initialized`. */
  get initialized(): boolean {
    return Atomics.load(this.i32, INITIALIZED) === 1;
  }
  get nrSpis(): number {
    return this.i32[NR_SPIS]!;
  }

  /** `vgic_init` (the caller holds kvm->lock and config_lock, see vm-ioctl.ts): idempotent. */
  init(): number {
    if (!this.created) return -errno.ENODEV;
    Atomics.store(this.i32, INITIALIZED, 1);
    return 0;
  }

  /** `vgic_valid_spi`. */
  validSpi(irq: number): boolean {
    return irq >= 32 && irq < 32 + this.nrSpis;
  }

  /**
   * `kvm_vgic_set_owner` for the PMU of vCPU `vcpuId` (or the timer when `timer`): -EAGAIN
   * before init, -EINVAL for SGIs/LPIs/out-of-range SPIs, -EEXIST when someone else owns it.
   * `ppiTaken(irq)` says whether the other owner already holds this vCPU's banked PPI.
   */
  setOwner(vcpuId: number, irq: number, ppiTaken: boolean): number {
    if (!this.initialized) return -errno.EAGAIN;
    if (!isPpi(irq) && !this.validSpi(irq)) return -errno.EINVAL;
    if (isPpi(irq)) return ppiTaken ? -errno.EEXIST : 0;
    const at = SPI_OWNER + irq - 32;
    const owner = this.i32[at]!;
    if (owner !== 0 && owner !== vcpuId + 1) return -errno.EEXIST;
    this.i32[at] = vcpuId + 1;
    return 0;
  }
}
