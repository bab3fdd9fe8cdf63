import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';
import { presets } from '../../src/host/presets.js';
import { CTRL, MDCR, guest, has, hpmnOf, partitioned, rk3588 } from './helpers.js';

const DEFAULT = MDCR.TPM | MDCR.TPMS | MDCR.TTRF | MDCR.TPMCR | MDCR.TDRA | MDCR.TDOSA | MDCR.HPME;
const UNTRAPPED = MDCR.TPM | MDCR.TPMCR;
const PART = MDCR.HPMD | MDCR.HCCD;

// spec §6.2: MDCR_EL2 per vCPU, computed at vcpu_load; API.md bit positions.
describe('MDCR_EL2 of an emulated PMU (spec §6.2 default)', () => {
  it('0n before the first load; TPM|TPMS|TTRF|TPMCR|TDRA|TDOSA|HPME with HPMN = host counters after', () => {
    for (const profile of ['mainline', 'fixed-counters-only', 'partition']) {
      const { vcpu } = partitioned({ profile, enable: undefined });
      expect(vcpu.hostState().mdcrEl2).toBe(0n);
      guest(vcpu, 5, () => undefined);
      expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | 6n);
      expect(has(vcpu.hostState().mdcrEl2, PART)).toBe(false);
    }
  });

  it('HPMN follows the loaded CPU: 10 on an M1 Firestorm core', () => {
    const host = createHost(presets['apple-m1']!);
    const vm = host.createVm({ irqchip: 'none' });
    const vcpu = vm.createVcpu();
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
    guest(vcpu, 6, () => undefined);
    expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | 10n);
  });
});

describe('MDCR_EL2 of a partitioned vCPU (spec §6.2, §6.5)', () => {
  it('FGT, guest-owned: TPM and TPMCR clear, HPMD and HCCD set, HPMN = the VM counter count', () => {
    const { vcpu } = partitioned({ nr: 4 });
    guest(vcpu, 1, (g) => g.read('PMCR_EL0'));
    // hostState reports MDCR_EL2 as programmed at the last load (API.md): that run's load
    // came before its first access switched the owner, so the traps were still set.
    expect(vcpu.hostState().pmuOwner).toBe('guest');
    expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | PART | 6n);
    guest(vcpu, 1, () => undefined); // the next load, owner already 'guest'
    const m = vcpu.hostState().mdcrEl2;
    expect(m).toBe((DEFAULT & ~UNTRAPPED) | PART | 4n);
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState().mdcrEl2).toBe(m);
  });

  it('lazy and untouched (owner host): traps kept, HPMD|HCCD set, HPMN = hpmn_max', () => {
    const { vcpu } = partitioned({ nr: 4 });
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState().pmuOwner).toBe('host');
    expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | PART | 6n);
  });

  it('eager: untrapped from the first load, without any access', () => {
    const { vcpu } = partitioned({ nr: 3, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState()).toMatchObject({ pmuOwner: 'guest', mdcrEl2: (DEFAULT & ~UNTRAPPED) | PART | 3n });
  });

  it('no FGT: the traps stay even once the guest owns its PMU', () => {
    const { vcpu } = partitioned({ nr: 4, features: { fgt: false } });
    guest(vcpu, 1, (g) => g.read('PMCR_EL0'));
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState()).toMatchObject({ pmuOwner: 'guest', mdcrEl2: DEFAULT | PART | 6n });
  });

  it('0 guest counters without FEAT_HPMN0: traps kept, HPMN falls back to hpmn_max', () => {
    const { vcpu } = partitioned({ nr: 0, reserved: 2, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | PART | 4n);
  });

  it('0 guest counters with FEAT_HPMN0: untrapped with HPMN = 0', () => {
    const { vcpu } = partitioned({ nr: 0, features: { hpmn0: true }, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 1, () => undefined);
    const m = vcpu.hostState().mdcrEl2;
    expect(has(m, MDCR.TPM)).toBe(false);
    expect(hpmnOf(m)).toBe(0);
  });

  it('on an unsupported CPU (SET_PMU to the A76s, run on an A55): traps kept, FAIL_ENTRY', () => {
    const host = createHost(rk3588(), { profile: 'partition', switches: { partitionSwap: 'eager' } });
    const vm = host.createVm({ irqchip: 'none' });
    const vcpu = vm.createVcpu();
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, host.pmus[1]!.type)).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, 5, 1)).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
    expect(vcpu.run({ cpu: 0 }).exitReason).toBe(uapi.KVM_EXIT_FAIL_ENTRY);
    expect(vcpu.hostState().mdcrEl2).toBe(DEFAULT | PART | 6n);
    guest(vcpu, 4, () => undefined);
    expect(has(vcpu.hostState().mdcrEl2, MDCR.TPM)).toBe(false);
  });
});
