import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';
import { BIT, CTRL, getReg, guest, pmcrN, PMCR_E, PMCR_LC, PMCR_LP, reloadPending, setup, undef } from './helpers.js';

const N = (n: number) => BigInt(n) << 11n;

// spec §4.3 set_pmcr, §4.1 PMCR userspace GET (= read_pmcr with N), §8 items 11 and 21.
describe('userspace SET/GET of PMCR_EL0 (spec §4.3)', () => {
  it('GET includes N = nr_pmu_counters', () => {
    const { vcpu } = setup();
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(6);
  });

  it('N ≤ max before the first run is accepted: GET and the guest see it, counters ≥ N UNDEF', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', N(3))).toBe(0);
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(3);
    guest(vcpu, 0, (g) => {
      expect(pmcrN(g.read('PMCR_EL0'))).toBe(3);
      expect(undef(() => g.read('PMEVCNTR3_EL0'))).toBeDefined();
      expect(undef(() => g.read('PMEVCNTR2_EL0'))).toBeUndefined();
    });
  });

  it('N = 0 is accepted too', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', 0n)).toBe(0);
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(0);
  });

  it('N > max is silently ignored (returns 0); the other bits are still stored', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', N(7) | PMCR_E)).toBe(0);
    const v = getReg(vcpu, 'PMCR_EL0');
    expect(pmcrN(v)).toBe(6);
    expect(v & PMCR_E).toBe(PMCR_E);
  });

  it('after the VM has run, N is silently ignored', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, () => undefined);
    expect(vcpu.setOneReg('PMCR_EL0', N(2) | PMCR_E)).toBe(0);
    const v = getReg(vcpu, 'PMCR_EL0');
    expect(pmcrN(v)).toBe(6);
    expect(v & PMCR_E).toBe(PMCR_E);
  });

  it('after another vCPU of the VM has run, N written through this one is ignored', () => {
    const host = createHost('rk3588');
    const vm = host.createVm();
    const [v0, v1] = [vm.createVcpu(), vm.createVcpu()];
    for (const v of [v0, v1]) expect(v.init({ pmu: true })).toBe(0);
    expect(vm.vgicInit()).toBe(0);
    for (const v of [v0, v1]) {
      expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23)).toBe(0);
      expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
    }
    expect(v1.setOneReg('PMCR_EL0', N(5))).toBe(0); // before any run: accepted
    expect(pmcrN(getReg(v0, 'PMCR_EL0'))).toBe(5);
    guest(v0, 0, () => undefined);
    expect(v1.setOneReg('PMCR_EL0', N(1))).toBe(0);
    expect(pmcrN(getReg(v1, 'PMCR_EL0'))).toBe(5);
    expect(pmcrN(getReg(v0, 'PMCR_EL0'))).toBe(5);
  });

  it('keeps only bits 7:0 (plus N); bits above are dropped', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', 0xffff_ffff_ffff_0000n | N(6) | 0x49n)).toBe(0);
    expect(getReg(vcpu, 'PMCR_EL0')).toBe(N(6) | 0x49n);
  });

  it('LC is forced on a host without AArch32 EL0 (apple-m1)', () => {
    const { vcpu } = setup({ topology: 'apple-m1' });
    expect(vcpu.setOneReg('PMCR_EL0', N(1))).toBe(0);
    expect(getReg(vcpu, 'PMCR_EL0') & PMCR_LC).toBe(PMCR_LC);
    const { vcpu: c } = setup(); // RK3588 has AArch32 EL0: LC stays as written
    expect(c.setOneReg('PMCR_EL0', N(6))).toBe(0);
    expect(getReg(c, 'PMCR_EL0') & PMCR_LC).toBe(0n);
  });

  it('LP is not sanitised on a PMUv3p1 VM (spec §8 item 21, UNVERIFIED: current behaviour kept)', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', N(6) | PMCR_LP)).toBe(0);
    expect(getReg(vcpu, 'PMCR_EL0') & PMCR_LP).toBe(PMCR_LP);
  });

  it('raises RELOAD: an E set through userspace enables counting at the next entry', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCNTENSET_EL0', BIT(31))).toBe(0);
    guest(vcpu, 0, () => undefined);
    expect(reloadPending(vcpu)).toBe(false);
    expect(vcpu.setOneReg('PMCR_EL0', N(6) | PMCR_E)).toBe(0);
    expect(reloadPending(vcpu)).toBe(true);
    const before = getReg(vcpu, 'PMCCNTR_EL0');
    guest(vcpu, 0, (g) => g.exec(25));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(before + 25n);
  });

  it('the accepted N survives a vCPU reset (spec §8 item 11)', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', N(4))).toBe(0);
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(4);
  });

  it('SET_NR_COUNTERS and a PMCR N write share one VM-wide count', () => {
    const { vcpu } = setup({
      configure: (c) => expect(c.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 2)).toBe(0),
    });
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(2);
    expect(vcpu.setOneReg('PMCR_EL0', N(5))).toBe(0); // ≤ max 6, not ran: accepted
    expect(pmcrN(getReg(vcpu, 'PMCR_EL0'))).toBe(5);
  });
});
