/** Numeric KVM UAPI values (include/uapi/linux/kvm.h, arch/arm64/include/uapi/asm/kvm.h). */
export const uapi = Object.freeze({
  KVM_ARM_VCPU_PMU_V3_CTRL: 0,
  KVM_ARM_VCPU_PMU_V3_IRQ: 0,
  KVM_ARM_VCPU_PMU_V3_INIT: 1,
  KVM_ARM_VCPU_PMU_V3_FILTER: 2,
  KVM_ARM_VCPU_PMU_V3_SET_PMU: 3,
  KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS: 4,
  KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY: 5,
  /** The partition series' id for attribute 5 (spec §6.7): which one it is, the profile decides. */
  KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION: 5,
  KVM_PMU_EVENT_ALLOW: 0,
  KVM_PMU_EVENT_DENY: 1,
  KVM_EXIT_INTR: 10,
  KVM_EXIT_FAIL_ENTRY: 9,
  KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED: 1n,
  /** `run->s.regs.device_irq_level` bit for the PMU line (userspace irqchip, spec §5.3). */
  KVM_ARM_DEV_PMU: 1 << 2,
});

/** Attribute names by id, for traces and error messages. */
export const pmuAttrName: Readonly<Record<number, string>> = Object.freeze({
  0: 'IRQ',
  1: 'INIT',
  2: 'FILTER',
  3: 'SET_PMU',
  4: 'SET_NR_COUNTERS',
  5: 'FIXED_COUNTERS_ONLY',
});
