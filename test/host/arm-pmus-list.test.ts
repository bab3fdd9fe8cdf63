import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { PmuList } from '../../src/host/pmu-list.js';
import { runDirect } from '../../src/sync/direct.js';
import type { Op } from '../../src/sync/seam.js';

/** findType is the walk of a caller inside the read side (SET_PMU's): give it one, as lockdep-RCU requires. */
function* findTypeReading(list: PmuList, type: number): Op<number> {
  yield list.readLock();
  const entry = yield* list.findType(type);
  yield list.readUnlock();
  return entry;
}

// spec §1.2: arm_pmus holds exactly the KVM-usable CPU PMUs, in registration order, keyed by
// perf type; entries are never removed.
describe('the arm_pmus list (spec §1.2)', () => {
  it.each(['mutex', 'rcu'] as const)('%s design: one entry per CPU PMU, in order, with type and CPUs', (design) => {
    const host = createHost('tensor-g1', { switches: { pmuListDesign: design } });
    const list = host.model.list;
    expect(list.design).toBe(design);
    expect(list.count()).toBe(3); // the DSU is not listed
    for (let i = 0; i < 3; i++) {
      const p = host.pmus[i]!;
      expect(list.type(i)).toBe(p.type);
      for (let c = 0; c < host.cpus; c++) expect(list.covers(i, c)).toBe(p.cpus.includes(c));
    }
  });

  it.each(['mutex', 'rcu'] as const)('%s design: probe returns the first PMU covering the CPU, -1 when none', (design) => {
    const host = createHost({ name: 'gap', cpus: 6, pmus: [{ name: 'a', cpus: [0, 1] }, { name: 'b', cpus: [2, 3] }] }, {
      switches: { pmuListDesign: design },
    });
    const probe = (cpu: number) => runDirect(host.model.list.probe(cpu), 'probe');
    expect([0, 1, 2, 3, 4, 5].map(probe)).toEqual([0, 0, 1, 1, -1, -1]);
    // The probe takes and releases the mutex in the mutex design; nothing stays held.
    expect(host.model.list.lock.owner()).toBe(0);
  });

  it.each(['mutex', 'rcu'] as const)('%s design: findType finds CPU PMUs only', (design) => {
    const host = createHost('tensor-g1', { switches: { pmuListDesign: design } });
    const list = host.model.list;
    for (const [i, p] of host.pmus.entries()) expect(runDirect(findTypeReading(list, p.type), 'findType')).toBe(i);
    const dsu = host.eventSources.find((p) => p.kind === 'uncore')!;
    expect(runDirect(findTypeReading(list, dsu.type), 'findType')).toBe(-1);
  });
});
