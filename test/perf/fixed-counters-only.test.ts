import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import type { ProfileSwitches } from '../../src/kvm/profile.js';
import { BIT, clearBitmaps, CTRL, getReg, guest, pmcrN, PMCR_E, pmuEntry, setup, undef } from '../regs/helpers.js';

function fixed(switches?: Partial<ProfileSwitches>) {
  const s = setup({
    profile: 'fixed-counters-only',
    ...(switches ? { switches } : {}),
    configure: (v) => expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY)).toBe(0),
  });
  guest(s.vcpu, 0, (g) => {
    clearBitmaps(g);
    g.write('PMCCNTR_EL0', 0n);
    g.write('PMCNTENSET_EL0', BIT(31));
    g.write('PMCR_EL0', PMCR_E);
  });
  return s;
}

// spec §3.6 / §5.5 FIXED_COUNTERS_ONLY (v8): N = 0; only the cycle counter, whose event is
// re-created on the PMU covering the current CPU after a move to another cluster (RELOAD from
// kvm_vcpu_load_pmu); §8 items 17 and 26.
describe('FIXED_COUNTERS_ONLY cycle counter across clusters (spec §5.5, §8 items 17, 26)', () => {
  it('PMCR.N reads 0, event counters are UNDEF, the reset bitmaps are masked to bit 31', () => {
    const s = setup({
      profile: 'fixed-counters-only',
      configure: (v) => expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY)).toBe(0),
    });
    guest(s.vcpu, 0, (g) => {
      expect(pmcrN(g.read('PMCR_EL0'))).toBe(0);
      expect(undef(() => g.read('PMEVCNTR0_EL0'))).toBeDefined();
      expect(g.read('PMCNTENSET_EL0')).toBe(BIT(31));
    });
  });

  it('runs on every CPU of both clusters (no FAIL_ENTRY)', () => {
    const { vcpu } = fixed();
    for (let cpu = 0; cpu < 8; cpu++) expect(vcpu.run({ cpu }), `cpu ${cpu}`).toEqual({ ret: 0 });
  });

  it('the cycle counter keeps counting on every cluster and its value is continuous', () => {
    const { host, vcpu } = fixed();
    const a55 = pmuEntry(host, 'armv8_cortex_a55');
    const a76 = pmuEntry(host, 'armv8_cortex_a76');
    let expected = 0n;
    for (const cpu of [0, 5, 1, 6, 2, 7, 3, 4]) {
      guest(vcpu, cpu, (g) => g.exec(10 + cpu));
      expected += BigInt(10 + cpu);
      expect(getReg(vcpu, 'PMCCNTR_EL0'), `after cpu ${cpu}`).toBe(expected);
      expect(vcpu.model.eventPmu(31), `event PMU on cpu ${cpu}`).toBe(cpu < 4 ? a55 : a76);
    }
  });

  it('a move within a cluster keeps the same event', () => {
    const { host, vcpu } = fixed();
    guest(vcpu, 0, (g) => g.exec(5));
    guest(vcpu, 3, (g) => g.exec(5));
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a55'));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(10n);
  });

  it('the guest reads the continuous value on the new cluster', () => {
    const { vcpu } = fixed();
    guest(vcpu, 1, (g) => g.exec(100));
    const v = guest(vcpu, 5, (g) => {
      const first = g.read('PMCCNTR_EL0');
      g.exec(20);
      return [first, g.read('PMCCNTR_EL0')];
    });
    expect(v).toEqual([100n, 120n]);
  });

  it('with putClearsVcpuCpu (mainline put) the migration is missed and the counter freezes (§8 item 17)', () => {
    const { host, vcpu } = fixed({ putClearsVcpuCpu: true });
    guest(vcpu, 0, (g) => g.exec(100));
    guest(vcpu, 5, (g) => g.exec(50));
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a55'));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(100n);
  });

  it('a cycle counter disabled during the move is re-created on the new PMU when the guest enables it', () => {
    const { host, vcpu } = fixed();
    guest(vcpu, 0, (g) => {
      g.write('PMCNTENCLR_EL0', BIT(31));
      g.write('PMCCFILTR_EL0', 0n); // creates the (disabled) event on the A55 PMU
    });
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a55'));
    guest(vcpu, 6, (g) => {
      g.write('PMCNTENSET_EL0', BIT(31));
      g.exec(30);
      expect(g.read('PMCCNTR_EL0')).toBe(30n);
    });
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a76'));
  });
});
