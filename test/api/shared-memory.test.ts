/**
 * DESIGN principle 1: the model's state lives in typed-array views that can sit on a
 * SharedArrayBuffer. The same scenario on shared and private memory gives the same results.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';

function scenario(shared: boolean) {
  const host = createHost('tensor-g1', { profile: 'fixed-counters-only', shared });
  const vm = host.createVm();
  const v = vm.createVcpu();
  v.init({ pmu: true }, { cpu: 6 });
  v.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY);
  vm.vgicInit();
  v.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23);
  v.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT);
  const reads: bigint[] = [];
  for (const cpu of [0, 4, 6, 1]) {
    v.run({
      cpu,
      guest: (g) => {
        g.write('PMCR_EL0', 1n);
        g.write('PMCNTENSET_EL0', 1n << 31n);
        g.exec(100 + cpu);
        reads.push(g.read('PMCCNTR_EL0'));
      },
    });
  }
  return { reads, pmcr: v.getOneReg('PMCR_EL0').value, buffer: v.model.region.buffer };
}

describe('state on SharedArrayBuffer', () => {
  it('puts every region on a SharedArrayBuffer when asked, and behaves identically', () => {
    const priv = scenario(false);
    const shared = scenario(true);
    expect(priv.buffer).toBeInstanceOf(ArrayBuffer);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.reads).toEqual(priv.reads);
    expect(shared.pmcr).toBe(priv.pmcr);
    // FIXED mode: every cluster counted, continuously
    const deltas = priv.reads.map((r, i) => r - (i === 0 ? 0n : priv.reads[i - 1]!));
    expect(deltas.slice(1)).toEqual([104n, 106n, 101n]);
  });
});
