/**
 * Sim mode on the built-in races (the "done means"): explore finds the
 * rcu-no-grace-period read of a reclaimed arm_pmus snapshot (§8 item 18) and the §8 item 13
 * UNDEF; the clean designs pass the same search; every failure replays byte-identically
 * (same trace hash) 1000 times out of 1000; the shrunk schedule fails the same way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exploreScenario, replaySchedule } from '../../src/testing.js';

const SAME_BUDGET = { runs: 1500, budgetMs: 60_000 };

describe('explore finds the shipped races; the clean model passes the same search', () => {
  it('rcu-no-grace-period: a reader walks a reclaimed snapshot; rcu and mutex: SUCCESS', async () => {
    const bad = await exploreScenario('pmu-list-race', { design: 'rcu-no-grace-period', ...SAME_BUDGET });
    expect(bad.verdict).toBe('FAILURE');
    expect(bad.failures[0]).toMatchObject({ oracle: 'rcu-reclaimed-read', reason: expect.stringMatching(/RcuViolation: arm_pmus reader read a reclaimed snapshot/) });
    for (const design of ['rcu', 'mutex'] as const) {
      const clean = await exploreScenario('pmu-list-race', { design, ...SAME_BUDGET });
      expect(clean).toMatchObject({ verdict: 'SUCCESS', runs: SAME_BUDGET.runs, failures: [] });
    }
  });

  it('nr-counters-race: mainline lets SET_NR_COUNTERS through after the run and the guest UNDEFs; the freezing profile passes', async () => {
    const bad = await exploreScenario('nr-counters-race', SAME_BUDGET);
    expect(bad.failures[0]).toMatchObject({ oracle: 'guest-undef', reason: expect.stringMatching(/UNDEF: read of PMEVCNTR[23]_EL0 at EL1: counter [23] not implemented \(PMCR_EL0.N = 2\)/) });
    const clean = await exploreScenario('nr-counters-race', { profile: 'fixed-counters-only', ...SAME_BUDGET });
    expect(clean).toMatchObject({ verdict: 'SUCCESS', failures: [] });
  });

  it('PCT reaches an item 13 UNDEF inside one KVM_RUN (N changes between two accesses of the same run)', async () => {
    const r = await exploreScenario('nr-counters-race', { keepGoing: true, runs: 400, shrinkMs: 0 });
    expect(r.failures.some((f) => /PMCR_EL0\.N went from 6 to 2 during this KVM_RUN/.test(f.reason))).toBe(true);
  });
});

describe('replay and shrink', () => {
  it.each([
    ['pmu-list-race', { design: 'rcu-no-grace-period' as const }],
    ['nr-counters-race', {}],
  ])('%s: 1000 of 1000 replays give the recorded trace hash; the shrunk schedule fails the same way', async (name, over) => {
    const r = await exploreScenario(name, { ...over, shrinkMs: 10_000 });
    const f = r.failures[0]!;
    expect(f.minimal).toBeDefined();
    const m = f.minimal!;
    expect(m.locallyMinimal).toBe(true);
    expect(m.switches).toBeLessThanOrEqual(JSON.parse(readFileSync(f.replayFile, 'utf8')).switches.length);
    for (let i = 0; i < 1000; i++) {
      const again = replaySchedule(i % 2 === 0 ? f.replayFile : m.replayFile);
      expect(again.identical).toBe(true);
      expect(again.execution.traceHash).toBe(i % 2 === 0 ? f.traceHash : m.traceHash);
      expect(again.oracle).toBe(f.oracle);
    }
  });

  it('the shrunk schedule fails the same way: an UNDEF inside one KVM_RUN stays inside one', async () => {
    const r = await exploreScenario('nr-counters-race', { keepGoing: true, runs: 400, shrinkMs: 5000 });
    const inRun = r.failures.filter((f) => /during this KVM_RUN/.test(f.reason));
    expect(inRun.length).toBeGreaterThan(0);
    for (const f of inRun.slice(0, 3)) {
      const dead = replaySchedule(f.minimal!.replayFile).execution.report.vcpus.find((v) => v.crashRecord)!;
      expect(dead.crashRecord).toMatchObject({ countChangedInRun: true, message: expect.stringMatching(/PMCR_EL0\.N went from 6 to 2 during this KVM_RUN$/) });
    }
  });

  it('a schedule that cannot be followed is reported as a divergence, not as the failure', async () => {
    const r = await exploreScenario('nr-counters-race', { shrinkMs: 0 });
    const f = r.failures[0]!;
    const sched = JSON.parse(readFileSync(f.replayFile, 'utf8'));
    // Send the first stored choice to a thread that cannot step there: a pCPU whose doorbell never rang.
    sched.switches[0] = [sched.switches[0][0], 5];
    const tampered = f.replayFile.replace(/\.json$/, '.tampered.json');
    writeFileSync(tampered, JSON.stringify(sched));
    const again = replaySchedule(tampered);
    expect(again).toMatchObject({ identical: false, verdict: 'FAILURE', oracle: 'uncontrolled-nondeterminism' });
    expect(again.divergence).toMatch(/diverged from the recording at step \d+ \(the stored choice could not step\)/);
  });
});
