import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { presetNames, presets } from '../../src/host/presets.js';
import { VpmuLabError } from '../../src/host/errors.js';

// spec §1.1, §1.2; hosts-and-clients §3: every preset builds a host whose CPU PMUs are the
// KVM-usable ones, in registration order, with dynamic perf type ids.
describe('host presets (spec §1.1, hosts-and-clients §3)', () => {
  it('the preset list is non-trivial and contains the machines of hosts §3 plus a homogeneous control', () => {
    for (const name of ['rk3588', 'rk3399', 'tensor-g1', 'apple-m1', 'sm8350', 'sm8350-legacy-dt', 'sc7280', 'qcs615', 'mt8173', 'homogeneous']) {
      expect(presetNames).toContain(name);
    }
    expect(presetNames).toEqual(Object.keys(presets));
  });

  it.each(presetNames.map((n) => [n]))('preset %s loads and mirrors its topology', (name) => {
    const spec = presets[name]!;
    const host = createHost(name);
    expect(host.name).toBe(spec.name);
    const cpuSpecs = spec.pmus.filter((p) => (p.kind ?? 'cpu') === 'cpu');
    expect(host.pmus.map((p) => p.name)).toEqual(cpuSpecs.map((p) => p.name));
    expect(host.eventSources.map((p) => p.name)).toEqual(spec.pmus.map((p) => p.name));
    const highest = Math.max(...cpuSpecs.flatMap((p) => p.cpus ?? []));
    expect(host.cpus).toBe(spec.cpus ?? highest + 1);
    // Every CPU PMU has at least one CPU and the masks are disjoint.
    const seen = new Set<number>();
    for (const p of host.pmus) {
      expect(p.cpus.length).toBeGreaterThan(0);
      for (const c of p.cpus) {
        expect(seen.has(c)).toBe(false);
        seen.add(c);
      }
    }
  });

  it.each(presetNames.map((n) => [n]))('preset %s: perf type ids are assigned in list order from 8', (name) => {
    const host = createHost(name);
    expect(host.eventSources.map((p) => p.type)).toEqual(host.eventSources.map((_, i) => 8 + i));
  });

  it('a topology object may start its type ids at another base (≥ 6)', () => {
    const host = createHost({ name: 't', typeBase: 6, pmus: [{ name: 'a', cpus: [0] }, { name: 'b', cpus: [1] }] });
    expect(host.pmus.map((p) => p.type)).toEqual([6, 7]);
  });

  it('an explicit type id is kept, the others still follow list order', () => {
    const host = createHost({ name: 't', pmus: [{ name: 'a', cpus: [0] }, { name: 'b', cpus: [1], type: 42 }] });
    expect(host.pmus.map((p) => p.type)).toEqual([8, 42]);
  });

  it('tensor-g1: the DSU is an uncore event source, not a CPU PMU', () => {
    const host = createHost('tensor-g1');
    const dsu = host.eventSources.find((p) => p.name === 'arm_dsu_0')!;
    expect(dsu.kind).toBe('uncore');
    expect(dsu.cpus).toEqual([]);
    expect(host.pmus.some((p) => p.name === 'arm_dsu_0')).toBe(false);
    expect(host.pmus.map((p) => p.name)).toEqual(['armv8_cortex_a55', 'armv8_cortex_a76', 'armv8_cortex_x1']);
  });

  it('rk3588: one A76 PMU spans CPUs 4-7; A55 drives 0-3', () => {
    const host = createHost('rk3588');
    expect(host.pmus.map((p) => [p.name, p.cpus])).toEqual([
      ['armv8_cortex_a55', [0, 1, 2, 3]],
      ['armv8_cortex_a76', [4, 5, 6, 7]],
    ]);
  });

  it('two hosts of the same preset are independent (no shared arm_pmus list)', () => {
    const a = createHost('rk3588');
    const b = createHost('rk3588');
    expect(a.model.list).not.toBe(b.model.list);
    expect(a.model.list.count()).toBe(2);
    expect(b.model.list.count()).toBe(2);
  });

  it('an unknown preset name throws, listing the valid presets', () => {
    expect(() => createHost('rk9999')).toThrow(VpmuLabError);
    let msg = '';
    try {
      createHost('rk9999');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('rk9999');
    for (const n of presetNames) expect(msg).toContain(n);
  });
});
