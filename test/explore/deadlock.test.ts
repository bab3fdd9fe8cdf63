/**
 * Deadlocks in the sim driver: nothing can step and not every thread idles. The report says
 * who holds what and who waits on what — locks and grace periods alike — and gives the
 * wait-for cycle when the lock waits form one.
 */
import { describe, expect, it } from 'vitest';
import { PmuList, pmuListLayout } from '../../src/host/pmu-list.js';
import { runOpsExecution } from '../../src/explore/ops.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';
import { LockRef } from '../../src/sync/lock.js';
import { RCU_READ_LOCK, RCU_READ_UNLOCK, SYNCHRONIZE_RCU, type Op } from '../../src/sync/seam.js';
import { exploreScenario } from '../../src/testing.js';

describe('deadlock reports', () => {
  it('synchronize_rcu under a lock that a reader takes: the grace period and the lock wait on each other', () => {
    // The design bug "synchronize under a lock readers take": the writer holds arm_pmus_lock
    // across its grace period; a reader inside its section waits for that lock.
    const setup = () => new PmuList(pmuListLayout.allocate(), 'rcu');
    function* writer(list: PmuList): Op<void> {
      yield list.lock.acquire;
      yield SYNCHRONIZE_RCU;
      yield list.lock.release;
    }
    function* reader(list: PmuList): Op<void> {
      yield RCU_READ_LOCK;
      yield list.lock.acquire;
      yield list.lock.release;
      yield RCU_READ_UNLOCK;
    }
    const c = { setup, threads: (list: PmuList) => ({ writer: writer(list), reader: reader(list) }) };
    const failures = [];
    const strategy = new RandomStrategy(1);
    for (let i = 0; i < 50; i++) {
      const e = runOpsExecution(c, strategy)!;
      if (e.failure) failures.push(e.failure);
    }
    // lockdep-RCU reports the executions where the reader got the lock after waiting for it
    // (it blocked inside its section) or where both orders were taken; the rest deadlock.
    const deadlocks = failures.filter((f) => f.oracle === 'deadlock');
    expect(deadlocks.length).toBeGreaterThan(0);
    for (const f of failures) expect(['deadlock', 'rcu-blocking-in-reader', 'rcu-synchronize-under-reader-lock']).toContain(f.oracle);
    for (const f of deadlocks) {
      // The wait-for cycle: the grace period waits for the reader, the reader for the lock.
      expect(f.reason).toMatch(
        /: (writer blocked on a grace period \(readers still inside: reader\) → reader blocked on arm_pmus_lock, held by writer|reader blocked on arm_pmus_lock, held by writer → writer blocked on a grace period \(readers still inside: reader\)) \(writer holds arm_pmus_lock\)$/,
      );
    }
  });

  it('a lock cycle is printed as the cycle', () => {
    const setup = () => {
      const words = new Int32Array(6);
      // Two locks of one class and subclass would trip the lock-order check; a cycle the
      // order cannot see needs locks the checker treats as unordered: same class, equal rank.
      return { a: new LockRef('arm_pmus_lock', 'A', words, 0), b: new LockRef('arm_pmus_lock', 'B', words, 3) };
    };
    function* take(first: LockRef, second: LockRef): Op<void> {
      yield first.acquire;
      yield second.acquire;
      yield second.release;
      yield first.release;
    }
    const c = { setup, threads: (l: ReturnType<typeof setup>) => ({ t1: take(l.a, l.b), t2: take(l.b, l.a) }) };
    const strategy = new RandomStrategy(2);
    const reasons = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const f = runOpsExecution(c, strategy)!.failure;
      if (f) reasons.add(`${f.oracle}: ${f.reason}`);
    }
    // Taking B while holding A (same class) is refused by the lock-order check before it can deadlock…
    expect([...reasons].some((r) => r.startsWith('lock-order: t1 failed') || r.startsWith('lock-order: t2 failed'))).toBe(true);
    // …unless both got their first lock: then neither can step, and that is a cycle.
    const deadlocks = [...reasons].filter((r) => r.startsWith('deadlock'));
    expect(deadlocks.length).toBeGreaterThan(0);
    for (const r of deadlocks) expect(r).toMatch(/t1 blocked on B, held by t2 → t2 blocked on A, held by t1|t2 blocked on A, held by t1 → t1 blocked on B, held by t2/);
  });

  it('a scenario thread that keeps a lock while another needs it: the holder and the waiter are named', async () => {
    const r = await exploreScenario(
      {
        name: 'stalled',
        host: 'rk3399',
        vms: [{ vcpus: [{ workload: 'idle', setup: 'vcpu-init' }] }],
        vmm: [
          { name: 'staller', iterations: 1, steps: [{ op: 'stall', lock: 'config_lock' }] },
          { name: 'victim', iterations: 1, steps: [{ op: 'set-attr', vcpu: 0, attr: 'SET_NR_COUNTERS', value: 1 }] },
        ],
      },
      { strategy: 'random', runs: 20, shrinkMs: 0, keepGoing: true },
    );
    expect(r.verdict).toBe('FAILURE');
    const deadlocks = r.failures.filter((f) => f.oracle === 'deadlock');
    expect(deadlocks.length).toBeGreaterThan(0);
    for (const f of deadlocks) expect(f.reason).toMatch(/vmm:victim blocked on vm0 config_lock, held by vmm:staller.*vmm:staller parked \(stall holding vm0 config_lock\)|vmm:staller parked \(stall holding vm0 config_lock\).*vmm:victim blocked on vm0 config_lock, held by vmm:staller/);
  });
});
