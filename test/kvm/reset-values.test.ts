import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { CTRL, E, IRQ, INIT, SET_NR, initedVm, pmuInitAll, readN } from './helpers.js';

const POISON = 0x1de7ec7edbadc0den;
const LOW = 0xdbadc0den;
const BITMAPS = ['PMCNTENSET_EL0', 'PMCNTENCLR_EL0', 'PMINTENSET_EL1', 'PMINTENCLR_EL1', 'PMOVSSET_EL0', 'PMOVSCLR_EL0'];

function get(v: Vcpu, name: string): bigint {
  const r = v.getOneReg(name);
  expect(r.ret).toBe(0);
  return r.value;
}

function implemented(n: number): bigint {
  return ((1n << BigInt(n)) - 1n) | (1n << 31n);
}

/** Expect every PMU register to hold its §4.0 reset value for N = n and evtyper mask `typeMask`. */
function expectResetValues(v: Vcpu, n: number, typeMask: bigint, pmcr = 0n): void {
  expect(get(v, 'PMCR_EL0')).toBe(pmcr | (BigInt(n) << 11n));
  for (const b of BITMAPS) expect(get(v, b)).toBe(LOW & implemented(n));
  expect(get(v, 'PMSELR_EL0')).toBe(0x1en);
  expect(get(v, 'PMUSERENR_EL0')).toBe(0n);
  expect(get(v, 'PMCCFILTR_EL0')).toBe(0n);
  expect(get(v, 'PMCCNTR_EL0')).toBe(POISON);
  for (let i = 0; i < 31; i++) {
    expect(get(v, `PMEVCNTR${i}_EL0`)).toBe(LOW);
    expect(get(v, `PMEVTYPER${i}_EL0`)).toBe(POISON & typeMask);
  }
}

const P_U = (1n << 31n) | (1n << 30n);

// spec §4.0 "Reset helper values" / §4.1 reset column: after KVM_ARM_VCPU_INIT the UNKNOWN
// registers hold the poison masked to their fields; N is not stored and survives a reset.
describe('PMU register values after KVM_ARM_VCPU_INIT (spec §4.0, §4.1)', () => {
  it('rk3588 (N = 6, 16-bit events): bitmaps 0x8000001e and the documented poison values', () => {
    const { vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(get(v, 'PMCNTENSET_EL0')).toBe(0x8000001en);
    expectResetValues(v, 6, P_U | 0xffffn);
    expect(get(v, 'PMEVTYPER0_EL0')).toBe(0xc000c0den);
  });

  it('rk3399 (PMUv3 v8.0, 10-bit events): PMEVTYPERn = poison & (P|U|0x3FF)', () => {
    const { vcpus } = initedVm('rk3399');
    expect(get(vcpus[0]!, 'PMEVTYPER3_EL0')).toBe(0xc00000den);
    expectResetValues(vcpus[0]!, 6, P_U | 0x3ffn);
  });

  it('apple-m1 (N = 1, no AArch32 EL0): PMCR resets to LC, bitmaps keep only the cycle bit', () => {
    const { vcpus } = initedVm('apple-m1');
    expect(get(vcpus[0]!, 'PMCNTENSET_EL0')).toBe(0x80000000n);
    expectResetValues(vcpus[0]!, 1, P_U | 0x3ffn, 1n << 6n);
  });

  it.each([0, 3, 31])('a host PMU with %i counters: bitmaps = 0xdbadc0de & implemented', (n) => {
    const t: TopologySpec = { name: 't', pmus: [{ name: 'p', cpus: [0], counters: n }] };
    const { vcpus } = initedVm(t);
    expectResetValues(vcpus[0]!, n, P_U | 0xffffn);
  });

  it('a repeated KVM_ARM_VCPU_INIT resets every register written since', () => {
    const { vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    const writes: [string, bigint][] = [
      ['PMCR_EL0', 0x81n | (6n << 11n)],
      ['PMCNTENSET_EL0', 0x3n],
      ['PMINTENSET_EL1', 0x7n],
      ['PMOVSSET_EL0', 0x1n],
      ['PMSELR_EL0', 3n],
      ['PMUSERENR_EL0', 0xfn],
      ['PMCCFILTR_EL0', 1n << 27n],
      ['PMCCNTR_EL0', 12345n],
      ['PMEVCNTR2_EL0', 7n],
      ['PMEVTYPER5_EL0', 0x11n],
    ];
    for (const [r, val] of writes) expect(v.setOneReg(r, val)).toBe(0);
    expect(get(v, 'PMUSERENR_EL0')).toBe(0xfn);
    expect(v.init({ pmu: true })).toBe(0);
    expectResetValues(v, 6, P_U | 0xffffn);
  });

  it('a repeated INIT resets what the guest wrote, too', () => {
    const s = initedVm('rk3588');
    pmuInitAll(s);
    const v = s.vcpus[0]!;
    expect(
      v.run({
        cpu: 0,
        guest: (g) => {
          g.write('PMUSERENR_EL0', 0xfn);
          g.write('PMSELR_EL0', 2n);
          g.write('PMEVTYPER1_EL0', 0x08n);
          g.write('PMINTENCLR_EL1', 0xffffffffn);
        },
      }).ret,
    ).toBe(0);
    expect(get(v, 'PMINTENSET_EL1')).toBe(0n);
    expect(v.init({ pmu: true })).toBe(0);
    expectResetValues(v, 6, P_U | 0xffffn);
  });

  it('a repeated INIT keeps N (SET_NR_COUNTERS), the IRQ and `created`', () => {
    const s = initedVm('rk3588');
    const v = s.vcpus[0]!;
    expect(v.setDeviceAttr(CTRL, SET_NR, 4)).toBe(0);
    pmuInitAll(s, 23);
    expect(v.init({ pmu: true })).toBe(0);
    expect(readN(v)).toBe(4);
    expect(get(v, 'PMOVSSET_EL0')).toBe(LOW & implemented(4));
    expect(v.getDeviceAttr(CTRL, IRQ)).toEqual({ ret: 0, value: 23 });
    expect(v.setDeviceAttr(CTRL, INIT)).toBe(E.EBUSY); // still created
    expect(v.run({ cpu: 0 }).ret).toBe(0); // and no new PMU INIT is needed to run
  });

  it('a repeated INIT keeps a PMCR_EL0.N written by userspace', () => {
    const { vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(v.setOneReg('PMCR_EL0', 2n << 11n)).toBe(0);
    expect(v.init({ pmu: true })).toBe(0);
    expect(get(v, 'PMCR_EL0')).toBe(2n << 11n);
  });

  it('the first INIT of a second vCPU resets only that vCPU', () => {
    const { vm, vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.setOneReg('PMUSERENR_EL0', 1n)).toBe(0);
    const v1 = vm.createVcpu();
    expect(v1.init({ pmu: true })).toBe(0);
    expect(get(vcpus[0]!, 'PMUSERENR_EL0')).toBe(1n);
    expectResetValues(v1, 6, P_U | 0xffffn);
  });
});
