import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { CTRL, getReg, guest, setup, undef } from './helpers.js';

// spec §4.0 "Index validity" and the §4.1 index-check paragraph: i valid iff i < PMCR.N or i == 31.
function withN(n: number) {
  return setup({
    configure: (v) => expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, n)).toBe(0),
  });
}

describe('counter index validity (spec §4.0, §4.1)', () => {
  it('with N = 3, PMEVCNTR/PMEVTYPER 0..2 work and 3..30 are UNDEF for reads and writes', () => {
    const { vcpu } = withN(3);
    guest(vcpu, 0, (g) => {
      expect(g.read('PMCR_EL0') >> 11n & 0x1fn).toBe(3n);
      for (let n = 0; n < 31; n++) {
        const valid = n < 3;
        for (const r of [`PMEVCNTR${n}_EL0`, `PMEVTYPER${n}_EL0`]) {
          expect(undef(() => g.read(r)) === undefined, `read ${r}`).toBe(valid);
          expect(undef(() => g.write(r, 0x11n)) === undefined, `write ${r}`).toBe(valid);
        }
      }
    });
  });

  it('an UNDEF write to an unimplemented counter or type leaves its storage untouched', () => {
    const { vcpu } = withN(3);
    const cnt = getReg(vcpu, 'PMEVCNTR4_EL0');
    const typ = getReg(vcpu, 'PMEVTYPER4_EL0');
    guest(vcpu, 0, (g) => {
      expect(undef(() => g.write('PMEVCNTR4_EL0', 1n))).toBeDefined();
      expect(undef(() => g.write('PMEVTYPER4_EL0', 0x11n))).toBeDefined();
      g.write('PMSELR_EL0', 4n);
      expect(undef(() => g.write('PMXEVCNTR_EL0', 1n))).toBeDefined();
      expect(undef(() => g.write('PMXEVTYPER_EL0', 0x11n))).toBeDefined();
    });
    expect(getReg(vcpu, 'PMEVCNTR4_EL0')).toBe(cnt);
    expect(getReg(vcpu, 'PMEVTYPER4_EL0')).toBe(typ);
    expect(cnt).not.toBe(1n);
  });

  it('index 31 (PMCCNTR, PMCCFILTR) is valid even with N = 0', () => {
    const { vcpu } = withN(0);
    guest(vcpu, 0, (g) => {
      expect(undef(() => g.read('PMEVCNTR0_EL0'))).toBeDefined();
      g.write('PMCCNTR_EL0', 42n);
      expect(g.read('PMCCNTR_EL0')).toBe(42n);
      g.write('PMCCFILTR_EL0', 1n << 31n);
      expect(g.read('PMCCFILTR_EL0')).toBe(1n << 31n);
      g.write('PMSELR_EL0', 31n);
      expect(g.read('PMXEVCNTR_EL0')).toBe(42n);
      expect(g.read('PMXEVTYPER_EL0')).toBe(1n << 31n);
    });
  });

  it('PMXEVCNTR / PMXEVTYPER address the counter selected by PMSELR.SEL', () => {
    const { vcpu } = withN(3);
    guest(vcpu, 0, (g) => {
      g.write('PMSELR_EL0', 2n);
      g.write('PMXEVCNTR_EL0', 0x1234n);
      g.write('PMXEVTYPER_EL0', 0x8n);
      expect(g.read('PMEVCNTR2_EL0')).toBe(0x1234n);
      expect(g.read('PMEVTYPER2_EL0')).toBe(0x8n);
      g.write('PMEVCNTR1_EL0', 9n);
      g.write('PMSELR_EL0', 1n);
      expect(g.read('PMXEVCNTR_EL0')).toBe(9n);
      g.write('PMSELR_EL0', 31n);
      g.write('PMXEVCNTR_EL0', 0x1_0000_0005n);
      expect(g.read('PMCCNTR_EL0')).toBe(0x1_0000_0005n);
      g.write('PMXEVTYPER_EL0', 1n << 30n);
      expect(g.read('PMCCFILTR_EL0')).toBe(1n << 30n);
      for (const sel of [3n, 4n, 17n, 30n]) {
        g.write('PMSELR_EL0', sel);
        expect(undef(() => g.read('PMXEVCNTR_EL0')), `SEL ${sel}`).toBeDefined();
        expect(undef(() => g.read('PMXEVTYPER_EL0')), `SEL ${sel}`).toBeDefined();
      }
    });
  });

  it('PMXEV*: the EL0 check comes before the index check', () => {
    const { vcpu } = withN(3);
    guest(vcpu, 0, (g) => {
      g.write('PMSELR_EL0', 5n); // invalid index
      g.write('PMUSERENR_EL0', 0n);
      g.el = 0;
      for (const r of ['PMXEVCNTR_EL0', 'PMXEVTYPER_EL0']) {
        expect(undef(() => g.read(r))?.reason).toMatch(/PMUSERENR/);
        expect(undef(() => g.write(r, 0n))?.reason).toMatch(/PMUSERENR/);
      }
    });
  });

  it('counter writes: the extra EN check comes after the index check (ER alone: index UNDEF first)', () => {
    const { vcpu } = withN(3);
    guest(vcpu, 0, (g) => {
      g.write('PMUSERENR_EL0', 0x8n); // ER only
      g.write('PMSELR_EL0', 5n);
      g.el = 0;
      expect(undef(() => g.write('PMXEVCNTR_EL0', 0n))?.reason).toMatch(/not implemented/);
      expect(undef(() => g.write('PMEVCNTR5_EL0', 0n))?.reason).toMatch(/not implemented/);
      g.el = 1;
      g.write('PMSELR_EL0', 1n);
      g.el = 0;
      expect(undef(() => g.write('PMXEVCNTR_EL0', 0n))?.reason).toMatch(/PMUSERENR\.EN/);
      expect(undef(() => g.write('PMEVCNTR1_EL0', 0n))?.reason).toMatch(/PMUSERENR\.EN/);
      // …while a read with ER alone is fine.
      expect(undef(() => g.read('PMXEVCNTR_EL0'))).toBeUndefined();
    });
  });
});

describe('apple-m1 exposes a single event counter (spec §1.4 step 2, §4.0)', () => {
  it('N = 1: PMEVCNTR0 works, PMEVCNTR1 is UNDEF', () => {
    const { vcpu } = setup({ topology: 'apple-m1' });
    guest(vcpu, 0, (g) => {
      g.write('PMEVCNTR0_EL0', 3n);
      expect(g.read('PMEVCNTR0_EL0')).toBe(3n);
      expect(undef(() => g.read('PMEVCNTR1_EL0'))).toBeDefined();
      expect(undef(() => g.write('PMEVTYPER1_EL0', 0x11n))).toBeDefined();
    });
  });
});
