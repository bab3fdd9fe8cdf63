import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import type { PmuEventFilter } from '../../src/kvm/pmu-attr.js';
import { CTRL, guest, setup, type SetupOptions } from '../regs/helpers.js';

const { KVM_PMU_EVENT_ALLOW: ALLOW, KVM_PMU_EVENT_DENY: DENY } = uapi;

function pmceid(opts: SetupOptions & { filters?: PmuEventFilter[] } = {}): [bigint, bigint] {
  const { vcpu } = setup({
    ...opts,
    configure: (v, h) => {
      for (const f of opts.filters ?? []) expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FILTER, f)).toBe(0);
      opts.configure?.(v, h);
    },
  });
  return guest(vcpu, 0, (g) => [g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')]);
}

// spec §4.8: PMCEID from the host PMU's bitmaps (0x00..0x3F low halves, 0x4000.. high halves),
// SW_INCR and CHAIN always set in PMCEID0, STALL_SLOT* (0x3D..0x3F) cleared in PMCEID1, masked
// by the filter (upper halves only with a 16-bit event space), 0 with FIXED_COUNTERS_ONLY.
describe('PMCEID0_EL0 / PMCEID1_EL0 (spec §4.8)', () => {
  it('RK3588 (A55, Armv8.2 event set): SW_INCR + CHAIN set, STALL_SLOT* cleared, 0x4000.. in the upper half', () => {
    const [p0, p1] = pmceid();
    // 0x00..0x1D, CHAIN 0x1E, 0x1F; 0x4000..0x4004 → bits 32..36.
    expect(p0).toBe(0x0000_001f_ffff_ffffn);
    // 0x20..0x24 → bits 0..4; 0x2A..0x3C → bits 10..28; 0x3D..0x3F cleared.
    expect(p1).toBe(0x1fff_fc1fn);
  });

  it('RK3399 (A53, Armv8.0 event set 0x00..0x1D): CHAIN is added though the host lacks it', () => {
    const [p0, p1] = pmceid({ topology: 'rk3399' });
    expect(p0).toBe(0x7fff_ffffn);
    expect(p1).toBe(0n);
  });

  it('SW_INCR is advertised even if the host PMU does not list it', () => {
    const [p0] = pmceid({ topology: { name: 't', pmus: [{ name: 'p', cpus: [0], pmuver: 4, events: [0x11] }] } });
    expect(p0).toBe((1n << 0n) | (1n << 0x11n) | (1n << 0x1en));
  });

  it('a DENY filter clears the denied events, low and high halves', () => {
    const [p0, p1] = pmceid({
      filters: [
        { baseEvent: 0x11, nevents: 1, action: DENY },
        { baseEvent: 0x4000, nevents: 2, action: DENY },
        { baseEvent: 0x20, nevents: 2, action: DENY },
      ],
    });
    expect(p0).toBe(0x0000_001c_fffd_ffffn);
    expect(p1).toBe(0x1fff_fc1cn);
  });

  it('an ALLOW-first filter masks everything else, SW_INCR and CHAIN included', () => {
    const [p0, p1] = pmceid({ filters: [{ baseEvent: 0x08, nevents: 1, action: ALLOW }] });
    expect(p0).toBe(1n << 8n);
    expect(p1).toBe(0n);
  });

  it('with a 10-bit event space (PMUVer IMP) a filter zeroes the upper halves', () => {
    const topology = { name: 't', pmus: [{ name: 'p', cpus: [0], pmuver: 1, events: [0x08, 0x4000] }] };
    expect(pmceid({ topology })[0]).toBe((1n << 32n) | (1n << 30n) | (1n << 8n) | 1n);
    const [p0] = pmceid({ topology, filters: [{ baseEvent: 0x3ff, nevents: 1, action: DENY }] });
    expect(p0).toBe((1n << 30n) | (1n << 8n) | 1n);
  });

  it('apple-m1: only the mapped events 0x08, 0x11 (PMCEID0) and 0x21, 0x22 (PMCEID1), plus SW_INCR/CHAIN', () => {
    const [p0, p1] = pmceid({ topology: 'apple-m1' });
    expect(p0).toBe((1n << 0n) | (1n << 0x08n) | (1n << 0x11n) | (1n << 0x1en));
    expect(p1).toBe((1n << 1n) | (1n << 2n));
  });

  it('FIXED_COUNTERS_ONLY: both read 0', () => {
    const [p0, p1] = pmceid({
      profile: 'fixed-counters-only',
      configure: (v) => expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY)).toBe(0),
    });
    expect([p0, p1]).toEqual([0n, 0n]);
  });
});
