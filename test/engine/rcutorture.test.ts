/**
 * rcutorture on real worker threads: readers walk the arm_pmus list (probe by CPU, leaf
 * walk) while a writer registers PMUs at run time and then keeps republishing, reclaiming
 * (poisoning) every old snapshot after a grace period. No reader may ever read poison.
 * The control run shows the check is not blind: without grace periods readers do see it.
 */
import { describe, expect, it } from 'vitest';
import { pmuListLayout, PmuList, type PmuListDesign } from '../../src/host/pmu-list.js';
import type { ProbeJob } from '../../src/engine/probes.js';
import { runProbes } from '../../src/engine/run-probes.js';
import { RcuDomain, rcuLayout } from '../../src/sync/rcu.js';

function jobs(design: PmuListDesign) {
  const list = pmuListLayout.allocate(true).buffer as SharedArrayBuffer;
  const rcu = rcuLayout.allocate(true).buffer as SharedArrayBuffer;
  const readers: ProbeJob[] = [1, 2, 3].map((slot) => ({ kind: 'rcu-reader', slot, list, rcu, design, cpus: 8 }));
  const writer: ProbeJob = { kind: 'rcu-writer', slot: 0, list, rcu, design, appends: 8, cpus: 8 };
  return { list, rcu, all: [writer, ...readers] };
}

describe('RCU-protected arm_pmus under a run-time writer (4 workers)', () => {
  it('no reader ever reads a reclaimed snapshot, across many grace periods', async () => {
    const { list, rcu, all } = jobs('rcu');
    const results = await runProbes(all, 600);
    expect(results.map((r) => r.violation)).toEqual([undefined, undefined, undefined, undefined]);
    const pmus = new PmuList(pmuListLayout.view(list), 'rcu');
    expect(pmus.count()).toBe(8); // every hotplugged PMU is there, in order
    expect([0, 1, 7].map((i) => pmus.type(i))).toEqual([100, 101, 107]);
    expect(pmus.reclaimed()).toBeGreaterThan(50);
    expect(new RcuDomain(rcuLayout.view(rcu)).gracePeriods()).toBe(pmus.reclaimed());
    expect(results.slice(1).every((r) => r.ops > 1000)).toBe(true);
  });

  it('the memb flavour (design rcu-memb) passes the same torture: probes and leaf walks announce themselves in their reader words', async () => {
    const { list, rcu, all } = jobs('rcu-memb');
    const results = await runProbes(all, 600);
    expect(results.map((r) => r.violation)).toEqual([undefined, undefined, undefined, undefined]);
    const pmus = new PmuList(pmuListLayout.view(list), 'rcu-memb');
    expect(pmus.reclaimed()).toBeGreaterThan(50);
    expect(new RcuDomain(rcuLayout.view(rcu), 'memb').gracePeriods()).toBe(pmus.reclaimed());
    expect(results.slice(1).every((r) => r.ops > 1000)).toBe(true);
  });

  it('the mutex design passes the same torture', async () => {
    const { list, all } = jobs('mutex');
    const results = await runProbes(all, 400);
    expect(results.map((r) => r.violation)).toEqual([undefined, undefined, undefined, undefined]);
    expect(new PmuList(pmuListLayout.view(list), 'mutex').reclaimed()).toBeGreaterThan(50);
  });
});

describe('the poison check is not blind', () => {
  it('a writer that reclaims without a grace period is caught by some reader', async () => {
    const { all } = jobs('rcu-no-grace-period');
    const results = await runProbes(all, 1500);
    const caught = results.map((r) => r.violation).filter((v) => v !== undefined);
    expect(caught.length).toBeGreaterThan(0);
    expect(caught[0]).toMatch(/reclaimed snapshot .* is POISON/);
  });
});
