import { describe, expect, it } from 'vitest';
import { pingPongSchedule, runDemoConfig } from '../../src/demo/flagship.js';
import { formatDemo } from '../../src/demo/format.js';
import { createHost } from '../../src/api/host.js';

// The flagship demonstration: spec §1.3 (default PMU), §3.4 + §5.5 (SET_PMU → FAIL_ENTRY),
// §3.6 + §5.5 (FIXED_COUNTERS_ONLY re-creates the cycle counter at every load).
describe('flagship demo on rk3588 (A55 0-3, A76 4-7), vCPU ping-pong between clusters', () => {
  it('the schedule alternates between the first and the last PMU', () => {
    const host = createHost('rk3588');
    expect(pingPongSchedule(host, 6)).toEqual([0, 4, 1, 5, 2, 6]);
  });

  it('default PMU: the guest divides by a zero cycle delta at the first quantum on the big cluster', () => {
    const row = runDemoConfig('default-pmu');
    expect(row.crash).toMatchObject({ quantum: 1, cpu: 4, fromCpu: 0, fromPmu: 'armv8_cortex_a55', toPmu: 'armv8_cortex_a76' });
    expect(row.crash!.message).toMatch(/division by zero/);
    expect(row.quantaRun).toBe(1);
    expect(row.failEntries).toEqual([]);
  });

  it('SET_PMU(A55): KVM_RUN fails entry exactly on the A76 CPUs and the guest never crashes', () => {
    const row = runDemoConfig('set-pmu', { quanta: 8 });
    expect(row.crash).toBeUndefined();
    expect(row.failEntries.map((f) => f.cpu)).toEqual([4, 5, 6, 7]);
    expect(row.quantaRun).toBe(4);
    expect(row.counted).toBe(row.executed);
  });

  it('FIXED_COUNTERS_ONLY: runs on every CPU, the cycle counter is continuous and counts every cycle', () => {
    const row = runDemoConfig('fixed-counters-only', { quanta: 8, cyclesPerQuantum: 1000 });
    expect(row.crash).toBeUndefined();
    expect(row.failEntries).toEqual([]);
    expect(row.quantaRun).toBe(8);
    expect(row.monotonic).toBe(true);
    expect(row.executed).toBe(8000n);
    expect(row.counted).toBe(8000n);
  });

  // spec §6.4: the guest owns counters 0..HPMN-1 and the cycle counter of whatever CPU it is
  // loaded on; every load writes its context into that CPU's hardware, every put reads it back.
  it('partitioned: runs on every CPU, every cycle counted, one context swap per load and per put', () => {
    const row = runDemoConfig('partition', { quanta: 8, cyclesPerQuantum: 1000 });
    expect(row.crash).toBeUndefined();
    expect(row.failEntries).toEqual([]);
    expect(row.quantaRun).toBe(8);
    expect(row.counted).toBe(8000n);
    expect(row.executed).toBe(8000n);
    // rk3588's PMUs have 6 counters and none is reserved: HPMN = 6; a load writes the six
    // counters and their types, the cycle counter and its filter, and 8 control registers.
    expect(row.swaps).toEqual({ loads: 8, registersLoaded: 8 * (2 * (6 + 1) + 8), puts: 8, registersPut: 8 * (6 + 7) });
  });

  it('the printed table names each outcome', () => {
    const rows = (['default-pmu', 'set-pmu', 'fixed-counters-only', 'partition'] as const).map((c) => runDemoConfig(c));
    const text = formatDemo('rk3588', rows);
    expect(text).toMatch(/default-pmu.*CRASHED/);
    expect(text).toMatch(/set-pmu.*FAIL_ENTRY/);
    expect(text).toMatch(/fixed-counters-only.*continuous/);
    expect(text).toMatch(/partition .* 22 regs +ran everywhere, counter continuous/);
  });
});
