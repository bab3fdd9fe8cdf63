/**
 * The partitioned-PMU oracles (src/check/partition-oracles.ts, spec §6): each fires on a
 * planted violation and stays silent on the clean model; the swap's seam points are steps of
 * a partitioned vCPU's KVM_RUN only; overflow flags without their interrupt cross the put.
 * The catalog's swap bugs are proven in their scenarios by bug-catalog.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, OracleViolation } from '../../src/check/oracles.js';
import {
  checkContextLoaded,
  checkDirectCycles,
  checkDirectOverflow,
  checkGuestRangeOwned,
  checkNoStaleOverflow,
  checkOverflowKept,
} from '../../src/check/partition-oracles.js';
import { vcpuRun } from '../../src/kvm/arm.js';
import { REG } from '../../src/kvm/vcpu-state.js';
import { LOAD_COUNTERS_POINT, PUT_RELEASE_POINT } from '../../src/kvm/pmu-direct.js';
import { createHost } from '../../src/index.js';
import { presets } from '../../src/host/presets.js';
import { countCycles, E, guest, partitioned } from '../partition/helpers.js';

const eager = { partitionSwap: 'eager' } as const;

function checked(o: Parameters<typeof partitioned>[0] = {}) {
  const s = partitioned({ nr: 4, switches: eager, ...o });
  s.host.model.checks = ALL_CHECKS;
  return s;
}

/** A counter 0 near its 32-bit wrap, counting cycles, with or without its interrupt. */
function nearWrap(g: Parameters<typeof countCycles>[0], irq: boolean): void {
  countCycles(g);
  g.write('PMEVCNTR0_EL0', 0xfffffff0n);
  if (irq) g.write('PMINTENSET_EL1', 1n);
}

describe('guest-context-survives-swap (§6.4)', () => {
  it('silent over many load/put pairs on both clusters; the values survive', () => {
    const { vcpu } = checked();
    guest(vcpu, 1, (g) => (countCycles(g), g.exec(100)));
    for (const cpu of [5, 1, 6, 2]) guest(vcpu, cpu, (g) => g.exec(10));
    expect(guest(vcpu, 1, (g) => g.read('PMEVCNTR0_EL0'))).toBe(140n);
  });

  it('fires when the hardware does not hold the vCPU file at load, or holds it trapped', () => {
    const { host, vcpu } = checked();
    guest(vcpu, 1, (g) => countCycles(g));
    guest(vcpu, 1, () => {
      expect(() => checkContextLoaded(vcpu.model, 1)).not.toThrow();
      host.model.banks.setCount(1, 0, 123n);
      expect(() => checkContextLoaded(vcpu.model, 1)).toThrow(/counter 0 is 0x7b in hardware/);
      host.model.banks.setCount(1, 0, vcpu.model.reg(REG.EVCNTR));
    });
    const trapped = checked({ switches: {} });
    trapped.vcpu.model.mdcrEl2 |= 1n << 9n; // TPM
    expect(() => checkContextLoaded(trapped.vcpu.model, 1)).toThrow(OracleViolation);
  });
});

describe('host-events-outside-guest-range (§6.1)', () => {
  it('fires when a host event sits in the loaded guest range (here and at the put); silent when host events were moved out', () => {
    const { host, vcpu } = checked();
    const run = () =>
      vcpu.run({
        cpu: 1,
        guest: (g) => {
          g.exec(10);
          expect(() => checkGuestRangeOwned(vcpu.model, 1, 'test')).not.toThrow();
          const banks = host.model.banks;
          banks.free(1, 0);
          banks.setStaticFloor(1, 0);
          expect(banks.alloc(1, 0x11, 7, 0)).toBe(0);
          expect(() => checkGuestRangeOwned(vcpu.model, 1, 'test')).toThrow(/host event 7 occupies counter 0/);
        },
      });
    expect(run).toThrow(/\(put, cpu 1\): host event 7 occupies counter 0/);
  });
});

describe('overflow-kept-across-put and the direct overflow path (§6.6, §8 item 20)', () => {
  it('a flag without its interrupt stays in hardware, the guest reads it, the put folds it, the next load clears the copy', () => {
    const { host, vcpu } = checked();
    guest(vcpu, 1, (g) => {
      nearWrap(g, false);
      g.exec(0x20);
      expect(host.model.banks.ovsMask(1) & 1n).toBe(1n);
      expect(g.read('PMOVSSET_EL0') & 1n).toBe(1n);
    });
    expect(vcpu.getOneReg('PMOVSSET_EL0').value & 1n).toBe(1n);
    expect(host.model.banks.ovsMask(1) & 1n).toBe(1n); // kvm_pmu_put writes no PMOVSCLR
    guest(vcpu, 1, (g) => {
      expect(host.model.banks.ovsMask(1) & 1n).toBe(0n);
      g.write('PMOVSCLR_EL0', 1n);
      expect(g.read('PMOVSSET_EL0')).toBe(0n);
    });
  });

  it('with its interrupt the flag goes to PMOVSSET at once, also when PMINTENSET is set after the wrap', () => {
    const { host, vcpu } = checked();
    guest(vcpu, 1, (g) => {
      nearWrap(g, false);
      g.exec(0x20);
      g.write('PMINTENSET_EL1', 1n);
      expect(host.model.banks.ovsMask(1) & 1n).toBe(0n);
      expect(vcpu.model.reg(REG.PMOVSSET) & 1n).toBe(1n);
    });
  });

  it('fire on a flag left out of PMOVSSET at put, a stale flag after load, a wrong wrap count', () => {
    const { host, vcpu } = checked();
    guest(vcpu, 1, (g) => {
      g.write('PMOVSCLR_EL0', 0xffffffffn);
      expect(() => checkOverflowKept(vcpu.model, 1)).not.toThrow();
      expect(() => checkNoStaleOverflow(vcpu.model, 1)).not.toThrow();
      host.model.banks.writeBits(1, 'ovs', 1n, 1n, true);
      expect(() => checkOverflowKept(vcpu.model, 1)).toThrow(/left overflow flags 0x1 out of PMOVSSET/);
      expect(() => checkNoStaleOverflow(vcpu.model, 1)).toThrow(/overflow flags 0x1 are up/);
      expect(() => checkDirectOverflow(vcpu.model, 1, 0, 0xfffffff0n, 0x20n, 0n)).toThrow(/1 overflow\(s\) due, 0 delivered/);
      expect(() => checkDirectOverflow(vcpu.model, 1, 0, 0n, 0x20n, 0n)).not.toThrow();
    });
  });
});

describe('partition-cycles-counted (§6.1)', () => {
  it('silent while the guest counts directly; fires when executed cycles were not counted', () => {
    const { vcpu } = checked();
    guest(vcpu, 1, (g) => {
      countCycles(g);
      g.exec(500);
      const now = g.read('PMCCNTR_EL0');
      expect(now).toBe(500n);
      expect(() => checkDirectCycles(vcpu.model, 1, 1, 100n, now)).toThrow(/executed 100 cycles on cpu 1, its cycle counter counted 0/);
      g.write('PMCR_EL0', 0n);
      expect(() => checkDirectCycles(vcpu.model, 1, 1, 100n, now)).not.toThrow(); // PMCR.E clear: nothing due
      g.write('PMCR_EL0', E);
    });
  });
});

describe('seam points inside the swap', () => {
  function pointsOfRun(vcpu: ReturnType<typeof partitioned>['vcpu']): string[] {
    const labels: string[] = [];
    const op = vcpuRun(vcpu.model, 1, (g) => void g.exec(10));
    for (let r = op.next(); !r.done; r = op.next()) if (r.value.kind === 'point') labels.push(r.value.label);
    return labels;
  }

  it('a partitioned vCPU\'s KVM_RUN steps through the load and the put; an emulated one has neither', () => {
    const labels = pointsOfRun(checked().vcpu);
    expect(labels).toContain(LOAD_COUNTERS_POINT.kind === 'point' ? LOAD_COUNTERS_POINT.label : '');
    expect(labels).toContain(PUT_RELEASE_POINT.kind === 'point' ? PUT_RELEASE_POINT.label : '');
    const vm = createHost(presets.rk3588!).createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 0 })).toBe(0);
    expect(vm.vgicInit()).toBe(0);
    const emulated = pointsOfRun(v);
    expect(emulated.some((l) => l.startsWith('kvm_pmu_'))).toBe(false);
  });
});
