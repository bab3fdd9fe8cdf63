import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { BIT, clearBitmaps, CTRL, getReg, guest, PMCR_E, pmuEntry, setup } from '../regs/helpers.js';

function onA76() {
  return setup({
    configure: (v, host) => {
      const a76 = host.pmus.find((p) => p.name === 'armv8_cortex_a76')!;
      expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, a76.type)).toBe(0);
    },
  });
}

// spec §5.5 (SET_PMU regime) and §8 item 4: KVM_RUN on a CPU outside the selected PMU's
// supported_cpus returns 0 with KVM_EXIT_FAIL_ENTRY / CPU_UNSUPPORTED and cpu = that CPU.
describe('SET_PMU: KVM_RUN on an unsupported CPU fails entry (spec §5.5)', () => {
  it('fails entry on exactly the A55 CPUs, with the CPU reported, and enters on the A76 CPUs', () => {
    const { vcpu } = onA76();
    for (let cpu = 0; cpu < 8; cpu++) {
      let entered = false;
      const r = vcpu.run({ cpu, guest: () => void (entered = true) });
      if (cpu < 4) {
        expect(r, `cpu ${cpu}`).toEqual({
          ret: 0,
          exitReason: uapi.KVM_EXIT_FAIL_ENTRY,
          failEntry: { hardwareEntryFailureReason: uapi.KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED, cpu },
        });
        expect(entered, `cpu ${cpu}`).toBe(false);
      } else {
        expect(r, `cpu ${cpu}`).toEqual({ ret: 0 });
        expect(entered, `cpu ${cpu}`).toBe(true);
      }
    }
  });

  it('counters are backed by the A76 PMU and count on the A76 CPUs', () => {
    const { host, vcpu } = onA76();
    guest(vcpu, 6, (g) => {
      clearBitmaps(g);
      g.write('PMCCNTR_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(64);
    });
    expect(vcpu.model.eventPmu(31)).toBe(pmuEntry(host, 'armv8_cortex_a76'));
    expect(vcpu.run({ cpu: 2 }).exitReason).toBe(uapi.KVM_EXIT_FAIL_ENTRY);
    guest(vcpu, 4, (g) => g.exec(6));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(70n);
  });

  it('without SET_PMU the default PMU runs on every CPU (control)', () => {
    const { vcpu } = setup();
    for (let cpu = 0; cpu < 8; cpu++) expect(vcpu.run({ cpu }), `cpu ${cpu}`).toEqual({ ret: 0 });
  });
});
