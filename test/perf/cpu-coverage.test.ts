import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { BIT, clearBitmaps, getReg, guest, PMCR_E, pmuEntry, setup } from '../regs/helpers.js';

function enableCycles(g: GuestCpu): void {
  clearBitmaps(g);
  g.write('PMEVTYPER0_EL0', 0x08n); // INST_RETIRED
  g.write('PMEVTYPER1_EL0', 0x00n); // SW_INCR
  g.write('PMEVCNTR0_EL0', 0n);
  g.write('PMEVCNTR1_EL0', 0n);
  g.write('PMCCNTR_EL0', 0n);
  g.write('PMCNTENSET_EL0', BIT(0) | BIT(1) | BIT(31));
  g.write('PMCR_EL0', PMCR_E);
}

// spec §5.2 (the event is bound to the vCPU task and a PMU type: it counts only on CPUs that
// PMU covers) and §1.3/§5.5 default-PMU regime (runs everywhere, counters silently freeze).
describe('perf-backed counters count only on CPUs the backing PMU covers (spec §5.2, §5.5)', () => {
  it('default PMU chosen from CPU 0 is the A55 PMU; its events are bound to it', () => {
    const { host, vcpu } = setup({ from: 0 });
    guest(vcpu, 1, enableCycles);
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a55'));
  });

  it('A55 default PMU: exec on CPU 1 advances PMCCNTR/PMEVCNTR, exec on CPU 5 (A76) does not', () => {
    const { vcpu } = setup({ from: 0 });
    guest(vcpu, 1, (g) => {
      enableCycles(g);
      g.exec(100, 10);
      expect(g.read('PMCCNTR_EL0')).toBe(100n);
    });
    const r = vcpu.run({ cpu: 5, guest: (g) => g.exec(1000, 50) }); // runs, ret 0
    expect(r).toEqual({ ret: 0 });
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(100n);
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(10n);
    guest(vcpu, 2, (g) => g.exec(7, 1));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(107n);
  });

  it('SW_INCR keeps working on an uncovered CPU (no perf event involved)', () => {
    const { vcpu } = setup({ from: 0 });
    guest(vcpu, 0, enableCycles);
    guest(vcpu, 6, (g) => {
      g.write('PMSWINC_EL0', BIT(1));
      expect(g.read('PMEVCNTR1_EL0')).toBe(1n);
    });
  });

  it('default PMU chosen from CPU 4 is the A76 PMU: counts on CPU 5, freezes on CPU 1', () => {
    const { host, vcpu } = setup({ from: 4 });
    guest(vcpu, 5, (g) => {
      enableCycles(g);
      g.exec(100);
    });
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a76'));
    guest(vcpu, 1, (g) => g.exec(1000));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(100n);
  });

  it('a homogeneous host counts on every CPU (control)', () => {
    const { vcpu } = setup({ topology: 'homogeneous' });
    guest(vcpu, 0, enableCycles);
    for (const cpu of [0, 1, 2, 3]) guest(vcpu, cpu, (g) => g.exec(10));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(40n);
  });
});
