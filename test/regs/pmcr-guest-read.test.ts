import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { CTRL, guest, pmcrN, PMCR_C, PMCR_LC, PMCR_P, setup } from './helpers.js';

// spec §4.1 PMCR_EL0 row and §4.0 kvm_vcpu_read_pmcr: guest read = stored PMCR with N =
// nr_pmu_counters, P and C read as 0; IDCODE/IMP read as 0.
describe('guest read of PMCR_EL0 (spec §4.0, §4.1)', () => {
  it('N is the VM counter count (6 on RK3588), IDCODE/IMP are 0, reset value has E clear', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => g.read('PMCR_EL0'));
    expect(pmcrN(v)).toBe(6);
    expect(v >> 16n).toBe(0n);
    expect(v & 0xffn).toBe(0n); // reset 0 on a host with AArch32 EL0
  });

  it('N follows SET_NR_COUNTERS', () => {
    const { vcpu } = setup({
      configure: (c) => expect(c.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 2)).toBe(0),
    });
    expect(pmcrN(guest(vcpu, 0, (g) => g.read('PMCR_EL0')))).toBe(2);
  });

  it('P and C read as 0 even when userspace stored them', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', (6n << 11n) | PMCR_P | PMCR_C)).toBe(0);
    const v = guest(vcpu, 0, (g) => g.read('PMCR_EL0'));
    expect(v & (PMCR_P | PMCR_C)).toBe(0n);
    expect(pmcrN(v)).toBe(6);
  });

  it('apple-m1 (no AArch32 EL0): LC reads as 1 from reset, N = 1 (IMPDEF-trap workaround)', () => {
    const { vcpu } = setup({ topology: 'apple-m1' });
    const v = guest(vcpu, 0, (g) => g.read('PMCR_EL0'));
    expect(v & PMCR_LC).toBe(PMCR_LC);
    expect(pmcrN(v)).toBe(1);
  });
});
