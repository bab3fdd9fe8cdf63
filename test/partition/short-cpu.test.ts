import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { E, MDCR, guest, has, partitioned } from './helpers.js';

/** CPUs 0-1 with 6 counters, CPUs 2-3 with 4. */
const uneven: TopologySpec = {
  name: 'uneven',
  pmus: [
    { name: 'big', cpus: [0, 1], counters: 6 },
    { name: 'little', cpus: [2, 3], counters: 4 },
  ],
};

// §6 is silent on a partitioned vCPU moving to a CPU with fewer counters than HPMN: profile switch partitionShortCpu.
describe('a partitioned vCPU on a CPU short of counters (switch partitionShortCpu)', () => {
  it('fail-entry (default): KVM_RUN exits FAIL_ENTRY / CPU_UNSUPPORTED there, values kept', () => {
    const { vcpu } = partitioned({ topology: uneven, nr: 6, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 0, (g) => g.write('PMEVCNTR5_EL0', 55n));
    const r = vcpu.run({ cpu: 2 });
    expect(r).toEqual({ ret: 0, exitReason: uapi.KVM_EXIT_FAIL_ENTRY, failEntry: { hardwareEntryFailureReason: 1n, cpu: 2 } });
    expect(vcpu.getOneReg('PMEVCNTR5_EL0').value).toBe(55n);
    const fits = partitioned({ topology: uneven, nr: 4 });
    expect(fits.vcpu.run({ cpu: 2 })).toEqual({ ret: 0 });
  });

  it('trap: it runs there with the traps kept and the emulated path; back on a big CPU it loads again', () => {
    const { vcpu } = partitioned({ topology: uneven, nr: 6, switches: { partitionSwap: 'eager', partitionShortCpu: 'trap' } });
    guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER5_EL0', 0x11n);
      g.write('PMEVCNTR5_EL0', 0n);
      g.write('PMCNTENSET_EL0', 1n << 5n);
      g.write('PMCR_EL0', E);
      g.exec(10);
    });
    expect(guest(vcpu, 2, (g) => (g.exec(1000), g.read('PMEVCNTR5_EL0')))).toBe(10n); // the default PMU does not cover CPU 2
    expect(has(vcpu.hostState().mdcrEl2, MDCR.TPM)).toBe(true);
    expect(guest(vcpu, 1, (g) => (g.exec(5), g.read('PMEVCNTR5_EL0')))).toBe(15n);
    expect(has(vcpu.hostState().mdcrEl2, MDCR.TPM)).toBe(false);
  });
});
