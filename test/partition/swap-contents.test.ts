import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { PSTAT } from '../../src/kvm/vcpu-state.js';
import { GUEST_OWNER } from '../../src/host/pcpu-banks.js';
import { CTRL, E, guest, partitioned } from './helpers.js';

const eager = { partitionSwap: 'eager' } as const;

// spec §6.4: kvm_pmu_load writes the guest's registers into the CPU's PMU, kvm_pmu_put reads them back.
describe('the context swap at vcpu_load / vcpu_put (spec §6.4)', () => {
  it('at load the bank holds the guest counters, PMSELR, PMUSERENR, PMCR and masked bitmaps', () => {
    const { host, vcpu } = partitioned({ nr: 4, switches: eager });
    expect(vcpu.setOneReg('PMEVCNTR2_EL0', 1234n)).toBe(0);
    expect(vcpu.setOneReg('PMCCNTR_EL0', 99n)).toBe(0);
    expect(vcpu.setOneReg('PMSELR_EL0', 3n)).toBe(0);
    expect(vcpu.setOneReg('PMUSERENR_EL0', 0xdn)).toBe(0);
    expect(vcpu.setOneReg('PMCNTENSET_EL0', 0x8000003fn)).toBe(0); // masked to [0,4) ∪ {31} by the N = 4 sanitising
    expect(vcpu.setOneReg('PMINTENSET_EL1', 0x80000002n)).toBe(0);
    guest(vcpu, 6, () => {
      const b = host.model.banks;
      expect(vcpu.hostState().loadedOn).toBe(6);
      expect(b.read(6, 2)).toBe(1234n);
      expect(b.read(6, 31)).toBe(99n);
      expect(b.pmselr(6)).toBe(3n);
      expect(b.pmuserenr(6)).toBe(0xdn);
      expect(b.enableMask(6)).toBe(0x8000000fn);
      expect(b.intenMask(6)).toBe(0x80000002n);
      expect(b.programmed(6).map((c) => c.owner)).toEqual([GUEST_OWNER, GUEST_OWNER, GUEST_OWNER, GUEST_OWNER, GUEST_OWNER]);
    });
    expect(host.model.banks.programmed(6)).toEqual([]); // put gave the range back
  });

  it('guest values survive any number of load/put pairs across CPUs', () => {
    const { vcpu } = partitioned({ nr: 4, switches: eager });
    guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER1_EL0', 0x11n);
      g.write('PMEVCNTR1_EL0', 0n);
      g.write('PMCNTENCLR_EL0', 0xffffffffn);
      g.write('PMCNTENSET_EL0', 0b10n);
      g.write('PMCR_EL0', E);
      g.write('PMSELR_EL0', 2n);
    });
    for (let k = 0; k < 20; k++) guest(vcpu, k % 8, (g) => g.exec(10));
    expect(vcpu.getOneReg('PMEVCNTR1_EL0').value).toBe(200n);
    expect(guest(vcpu, 3, (g) => [g.read('PMEVCNTR1_EL0'), g.read('PMSELR_EL0'), g.read('PMCNTENSET_EL0')])).toEqual([200n, 2n, 0b10n]);
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(22);
    expect(vcpu.model.stat(PSTAT.SWAP_PUTS)).toBe(22);
  });

  it('guest bitmap writes are masked to the guest range', () => {
    const { vcpu } = partitioned({ nr: 4, switches: eager });
    expect(guest(vcpu, 1, (g) => {
      g.write('PMCNTENSET_EL0', 0xffffffffn);
      return g.read('PMCNTENSET_EL0');
    })).toBe(0x8000000fn);
    expect(vcpu.getOneReg('PMCNTENSET_EL0').value).toBe(0x8000000fn);
  });

  it('a filtered event: hardware type excludes every EL, the virtual register keeps the guest value', () => {
    const deny = { baseEvent: 0x08, nevents: 1, action: uapi.KVM_PMU_EVENT_DENY };
    const { host: fh, vcpu: v } = partitioned({ nr: 4, switches: eager, configure: (c) => expect(c.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FILTER, deny)).toBe(0) });
    guest(v, 1, (g) => {
      g.write('PMEVTYPER0_EL0', 0x08n); // INST_RETIRED, denied
      g.write('PMEVTYPER1_EL0', 0x11n); // CPU_CYCLES, allowed
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMEVCNTR1_EL0', 0n);
      g.write('PMCNTENSET_EL0', 0b11n);
      g.write('PMCR_EL0', E);
      g.exec(50, 20);
      expect(g.read('PMEVTYPER0_EL0')).toBe(0x08n);
      expect(fh.model.banks.type(1, 0) & 0xc4000000n).toBe(0xc4000000n); // P, U, M
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR1_EL0')).toBe(50n);
    });
  });

  it('PMOVS is cleared at load: stale hardware flags never reach the guest', () => {
    const { host, vcpu } = partitioned({ nr: 4, switches: eager });
    guest(vcpu, 1, (g) => g.write('PMOVSCLR_EL0', 0xffffffffn));
    host.model.banks.writeBits(1, 'ovs', 0x8000000fn, 0xffffffffn, true); // left by host perf
    expect(guest(vcpu, 1, (g) => g.read('PMOVSSET_EL0'))).toBe(0n);
    expect(vcpu.getOneReg('PMOVSSET_EL0').value).toBe(0n);
  });

  it('registers moved per load and per put are counted: 2(n+1)+8 and n+7', () => {
    const { vcpu } = partitioned({ nr: 4, switches: eager });
    guest(vcpu, 1, () => undefined);
    expect(vcpu.model.stat(PSTAT.REGS_LOADED)).toBe(18);
    expect(vcpu.model.stat(PSTAT.REGS_PUT)).toBe(11);
  });
});

describe('host events and the guest range (spec §6.1, v7+ upper bound)', () => {
  it('host events leave the guest range while a partitioned vCPU is loaded and come back after', () => {
    const { host, vcpu } = partitioned({ nr: 4, switches: eager });
    const b = host.model.banks;
    const inst = b.alloc(1, 0x08, 900, 0);
    const cyc = b.alloc(1, 0x11, 901, 0);
    expect([inst, cyc]).toEqual([0, 31]);
    b.add(1, inst, 5n);
    guest(vcpu, 1, () => {
      const host1 = b.programmed(1).filter((c) => c.owner >= 0);
      expect(host1.map((c) => c.owner).sort()).toEqual([900, 901]);
      for (const c of host1) expect(c.slot).toBeGreaterThanOrEqual(4);
      expect(host1.every((c) => c.slot !== 31)).toBe(true);
    });
    const back = b.programmed(1);
    expect(back.map((c) => [c.slot, c.owner, c.count])).toEqual([[0, 900, 5n], [31, 901, 0n]]);
    expect(vcpu.model.stat(PSTAT.HOST_EVENTS_MOVED)).toBe(4); // 2 out, 2 back
  });

  it('with no free host counter a displaced event is parked (not counting) and restored', () => {
    const { host, vcpu } = partitioned({ nr: 6, switches: eager });
    const b = host.model.banks;
    expect(b.alloc(1, 0x08, 900, 0)).toBe(0);
    b.add(1, 0, 7n);
    guest(vcpu, 1, () => expect(b.programmed(1).some((c) => c.owner === 900)).toBe(false));
    expect(b.programmed(1)).toMatchObject([{ slot: 0, owner: 900, count: 7n }]);
  });
});

