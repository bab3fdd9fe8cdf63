import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import type { PmuEventFilter } from '../../src/kvm/pmu-attr.js';
import { BIT, clearBitmaps, CTRL, guest, PMCR_E, setup, type SetupOptions } from '../regs/helpers.js';

const { KVM_PMU_EVENT_ALLOW: ALLOW, KVM_PMU_EVENT_DENY: DENY } = uapi;

function withFilter(filters: PmuEventFilter[], opts: SetupOptions = {}) {
  return setup({
    ...opts,
    configure: (v) => {
      for (const f of filters) expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FILTER, f)).toBe(0);
    },
  });
}

/** Counter i counts `types[i]` from 0; the cycle counter from 0; all enabled. */
function arm(g: GuestCpu, types: bigint[]): void {
  clearBitmaps(g);
  types.forEach((t, i) => {
    g.write(`PMEVTYPER${i}_EL0`, t);
    g.write(`PMEVCNTR${i}_EL0`, 0n);
  });
  g.write('PMCCNTR_EL0', 0n);
  g.write('PMCNTENSET_EL0', BIT(31) | ((1n << BigInt(types.length)) - 1n));
  g.write('PMCR_EL0', PMCR_E);
}

// spec §4.9 and §5.2 steps 3-6: SW_INCR/CHAIN are never filtered nor perf-backed; any other
// event needs to pass the filter and the host PMU's map_pmuv3_event, else it never counts.
describe('which events count (spec §4.9, §5.2)', () => {
  it('a denied event gets no perf event and never counts; others still count', () => {
    const { vcpu } = withFilter([{ baseEvent: 0x08, nevents: 1, action: DENY }]);
    guest(vcpu, 0, (g) => {
      arm(g, [0x08n, 0x11n]);
      g.exec(100, 40);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR1_EL0')).toBe(100n);
    });
    expect(vcpu.model.hasEvent(0)).toBe(false);
    expect(vcpu.model.hasEvent(1)).toBe(true);
  });

  it('denying CPU_CYCLES (0x11) also stops the cycle counter', () => {
    const { vcpu } = withFilter([{ baseEvent: 0x11, nevents: 1, action: DENY }]);
    guest(vcpu, 0, (g) => {
      arm(g, [0x08n]);
      g.exec(100, 40);
      expect(g.read('PMCCNTR_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR0_EL0')).toBe(40n);
    });
    expect(vcpu.model.hasEvent(31)).toBe(false);
  });

  it('a deny-everything filter ({0, 0, ALLOW}) still lets SW_INCR and CHAIN work', () => {
    const { vcpu } = withFilter([{ baseEvent: 0, nevents: 0, action: ALLOW }]);
    guest(vcpu, 0, (g) => {
      arm(g, [0x00n, 0x1en, 0x11n]);
      g.write('PMEVCNTR0_EL0', 0xffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      g.exec(100);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR1_EL0')).toBe(1n); // chained from counter 0
      expect(g.read('PMEVCNTR2_EL0')).toBe(0n);
      expect(g.read('PMCCNTR_EL0')).toBe(0n);
    });
  });

  it('SW_INCR and CHAIN counters never have a perf event, even without a filter', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => arm(g, [0x00n, 0x1en]));
    expect(vcpu.model.hasEvent(0)).toBe(false);
    expect(vcpu.model.hasEvent(1)).toBe(false);
  });

  it('apple-m1 maps only 0x08, 0x11, 0x21, 0x22: other events get no perf event', () => {
    for (const [ev, mapped] of [
      [0x08, true],
      [0x11, true],
      [0x21, true],
      [0x22, true],
      [0x03, false],
      [0x10, false],
      [0x23, false],
    ] as const) {
      const { vcpu } = setup({ topology: 'apple-m1' });
      guest(vcpu, 0, (g) => arm(g, [BigInt(ev)]));
      expect(vcpu.model.hasEvent(0), `event 0x${ev.toString(16)}`).toBe(mapped);
    }
  });

  it('apple-m1: INST_RETIRED and CPU_CYCLES count, an unmapped event stays frozen', () => {
    const { vcpu } = setup({ topology: 'apple-m1' });
    guest(vcpu, 0, (g) => {
      arm(g, [0x08n]);
      g.exec(500, 200);
      expect(g.read('PMEVCNTR0_EL0')).toBe(200n);
      expect(g.read('PMCCNTR_EL0')).toBe(500n);
      g.write('PMEVTYPER0_EL0', 0x03n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.exec(500, 200);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
    });
  });

  it('a PMUv3 host maps an event apple-m1 does not (0x03 gets a perf event on RK3588)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => arm(g, [0x03n]));
    expect(vcpu.model.hasEvent(0)).toBe(true);
    expect(vcpu.model.eventSel(0)).toBe(0x03);
  });
});
