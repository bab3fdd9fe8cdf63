/**
 * The physical CPUs' PMU register banks (spec §5.2): host perf puts a loaded vCPU's pinned
 * events on the hardware of the CPU it runs on — only events whose PMU covers that CPU —
 * and takes them off at vcpu_put, folding the count into the event.
 */
import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { EVENT } from '../../src/arch/pmu-bits.js';
import { createHost } from '../../src/api/host.js';

function setup(profile = 'mainline') {
  const host = createHost('rk3588', { profile });
  const vm = host.createVm({ irqchip: 'none' });
  const vcpu = vm.createVcpu();
  expect(vcpu.init({ pmu: true }, { cpu: 0 })).toBe(0); // default PMU: A55 (CPUs 0-3)
  if (profile === 'fixed-counters-only') {
    expect(vcpu.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY)).toBe(0);
  }
  expect(vcpu.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
  return { banks: host.model.banks, vcpu };
}

const owner = (vcpuKey: number, i: number) => vcpuKey * 32 + i;

describe('pCPU PMU register banks', () => {
  it('the cycle counter is on the A55 CPU\'s hardware while the vCPU runs there, and off after vcpu_put', () => {
    const { banks, vcpu } = setup();
    vcpu.run({
      cpu: 1,
      guest: (g) => {
        g.write('PMCNTENCLR_EL0', 0xffffffffn); // the reset value enables counters 1-4 and 31
        g.write('PMCR_EL0', 1n);
        g.write('PMCNTENSET_EL0', 1n << 31n);
        g.exec(500);
        expect(banks.programmed(1)).toEqual([{ slot: 31, event: EVENT.CPU_CYCLES, owner: owner(vcpu.model.key, 31), enabled: true, count: 500n }]);
        expect(banks.programmed(0)).toEqual([]);
      },
    });
    expect(banks.programmed(1)).toEqual([]); // sched-out freed it...
    const after = vcpu.getOneReg('PMCCNTR_EL0').value; // ...and folded its count
    vcpu.run({ cpu: 2, guest: (g) => g.exec(100) });
    expect(vcpu.getOneReg('PMCCNTR_EL0').value - after).toBe(100n);
  });

  it('on an A76 CPU the A55-bound events are never on the hardware: nothing counts', () => {
    const { banks, vcpu } = setup();
    vcpu.run({
      cpu: 5,
      guest: (g) => {
        g.write('PMCR_EL0', 1n);
        g.write('PMEVTYPER0_EL0', BigInt(EVENT.INST_RETIRED));
        g.write('PMCNTENSET_EL0', (1n << 31n) | 1n);
        const c0 = g.read('PMCCNTR_EL0');
        g.exec(1000, 1000);
        expect(banks.programmed(5)).toEqual([]);
        expect(g.read('PMCCNTR_EL0')).toBe(c0);
      },
    });
  });

  it('events take general hardware counters (cycles: the cycle counter); disabled ones are programmed, not enabled', () => {
    const { banks, vcpu } = setup();
    vcpu.run({
      cpu: 3,
      guest: (g) => {
        g.write('PMCNTENCLR_EL0', 0xffffffffn);
        g.write('PMEVTYPER0_EL0', BigInt(EVENT.INST_RETIRED));
        g.write('PMEVTYPER1_EL0', BigInt(EVENT.CPU_CYCLES));
        g.write('PMCNTENSET_EL0', 0b01n);
        g.write('PMCR_EL0', 1n);
        g.exec(300, 200);
        expect(banks.programmed(3)).toEqual([
          { slot: 0, event: EVENT.INST_RETIRED, owner: owner(vcpu.model.key, 0), enabled: true, count: 200n },
          // like armv8pmu_get_event_idx: a CPU_CYCLES event takes the cycle counter when it is free
          { slot: 31, event: EVENT.CPU_CYCLES, owner: owner(vcpu.model.key, 1), enabled: false, count: 0n },
        ]);
      },
    });
  });

  it('FIXED_COUNTERS_ONLY: after a migration the cycle counter is on the new CPU\'s hardware', () => {
    const { banks, vcpu } = setup('fixed-counters-only');
    vcpu.run({ cpu: 0, guest: (g) => { g.write('PMCR_EL0', 1n); g.write('PMCNTENSET_EL0', 1n << 31n); g.exec(10); } });
    vcpu.run({
      cpu: 6,
      guest: (g) => {
        g.exec(40);
        expect(banks.programmed(6)).toEqual([{ slot: 31, event: EVENT.CPU_CYCLES, owner: owner(vcpu.model.key, 31), enabled: true, count: 40n }]);
      },
    });
  });
});
