/**
 * A run of the partitioned PMU on workers reports each vCPU's host-side state (spec §6.2,
 * §6.5: MDCR_EL2 at its last load, the lazy owner) and the context swaps of §6.4.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { formatReport } from '../../src/engine/report-format.js';
import { resolveScenario } from '../../src/engine/scenario.js';

describe('partition-pingpong on workers', () => {
  it('every vCPU is guest-owned, untrapped at its last load with HPMN = 6, and swapped once per load and per put', async () => {
    const r = await runScenario(resolveScenario(builtinScenarios['partition-pingpong']!));
    expect(r.failure).toBeUndefined();
    for (const v of r.vcpus) {
      expect(v.quanta).toBe(6);
      expect(v.host.pmuOwner).toBe('guest');
      const mdcr = BigInt(v.host.mdcrEl2);
      expect(mdcr & 0x1fn).toBe(6n); // HPMN = the VM's counter count
      expect(mdcr & (1n << 6n)).toBe(0n); // TPM clear: the guest's accesses do not trap
      expect(mdcr & (1n << 17n)).not.toBe(0n); // HPMD
      // One swap per KVM_RUN (each loads and puts), 22 registers in and 13 out on rk3588.
      expect(v.host.swaps).toEqual({ loads: 6, registersLoaded: 6 * 22, puts: 6, registersPut: 6 * 13 });
    }
    expect(formatReport(r)).toMatch(/vCPU 0\/1 partitioned: MDCR_EL2 0x[0-9a-f]+ at its last load, PMU owner guest, 6 context loads \(132 registers written\), 6 puts \(78 read back\)/);
  });
});
