/**
 * The synchronisation oracles (check/sync-oracles.ts), each both ways: it fires on a planted
 * violation — with its name, which the verdict maps it to — and stays silent on the clean
 * model, in the sim and on real workers.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';
import { oracleOfError, verdictOf } from '../../src/check/verdict.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { PmuList, pmuListLayout } from '../../src/host/pmu-list.js';
import { pmuV3SetAttr } from '../../src/kvm/pmu-attr.js';
import { assertHeld } from '../../src/sync/assert-held.js';
import { runDirect } from '../../src/sync/direct.js';
import { HwTask, runHw } from '../../src/sync/hw.js';
import { LOCK_WORDS, LockRef } from '../../src/sync/lock.js';
import { RcuDomain, rcuLayout } from '../../src/sync/rcu.js';
import { park, RCU_READ_LOCK, RCU_READ_UNLOCK, SYNCHRONIZE_RCU, type Op } from '../../src/sync/seam.js';
import { Stepper } from '../../src/sync/stepper.js';

function lockOf(cls: 'config_lock' | 'arm_pmus_lock', name: string): LockRef {
  return new LockRef(cls, name, new Int32Array(new SharedArrayBuffer(4 * LOCK_WORDS)), 0);
}

/** The oracle an operation's error reaches the verdict with. */
function oracleOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return oracleOfError(e);
  }
  return 'none';
}

function* hold(lock: LockRef): Op<void> {
  yield lock.acquire;
  yield lock.release;
}

describe('lock-exclusive-holder (locktorture)', () => {
  it('an acquirer that finds another holder in the owner word fires; a normal handoff does not', () => {
    const lock = lockOf('config_lock', 'vm0 config_lock');
    expect(lock.tryAcquire(1)).toBe(true);
    lock.releaseBy(1);
    expect(lock.tryAcquire(2)).toBe(true); // clean handoff: the owner word was cleared
    Atomics.store(lock.words, lock.index, 0); // planted: a broken unlock frees the state word only
    expect(oracleOf(() => lock.tryAcquire(3))).toBe('lock-exclusive-holder');
    Atomics.store(lock.words, lock.index, 0); // and again, for the blocking path
    expect(() => lock.acquireBlocking(3)).toThrow(/task 3 acquired vm0 config_lock while task 2 holds it/);
  });
});

describe('lockdep-assert-held', () => {
  it('code annotated as run under a lock fires when the running thread does not hold it, even if another does', () => {
    const lock = lockOf('config_lock', 'vm0 config_lock');
    function* annotated(take: boolean): Op<number> {
      if (take) yield lock.acquire;
      assertHeld(lock);
      if (take) yield lock.release;
      return 0;
    }
    expect(runDirect(annotated(true), 'holder')).toBe(0);
    expect(oracleOf(() => runDirect(annotated(false), 'bare'))).toBe('lockdep-assert-held');
    const s = new Stepper();
    const other = s.spawn('other', hold(lock));
    s.step(other); // "other" holds it now
    s.spawn('bare', annotated(false));
    expect(() => s.finish()).toThrow(/bare runs code that needs vm0 config_lock held, without holding it \(task 1 does\)/);
  });

  it('the kernel annotation of kvm_arm_pmu_v3_set_attr: SET_DEVICE_ATTR without config_lock fires', () => {
    const host = createHost('rk3588');
    const vm = host.createVm();
    const vcpu = vm.createVcpu();
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(oracleOf(() => runDirect(pmuV3SetAttr(vcpu.model, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 2), 'no config_lock'))).toBe('lockdep-assert-held');
    expect(vcpu.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 2)).toBe(0);
  });
});

describe('lockdep-RCU', () => {
  const list = () => {
    const l = new PmuList(pmuListLayout.allocate(), 'rcu');
    runDirect(l.append(0, 8, [0, 1]), 'append');
    return l;
  };
  function* probeInside(l: PmuList, enter: boolean): Op<number> {
    if (enter) yield RCU_READ_LOCK;
    const entry = yield* l.covering(1);
    if (enter) yield RCU_READ_UNLOCK;
    return entry;
  }

  it('rcu-dereference-outside-reader: a walk outside a read-side section fires; inside one, or under arm_pmus_lock, it does not', () => {
    const l = list();
    expect(runDirect(probeInside(l, true), 'reader')).toBe(0);
    expect(oracleOf(() => runDirect(probeInside(l, false), 'bare'))).toBe('rcu-dereference-outside-reader');
    function* underLock(): Op<number> {
      yield l.lock.acquire;
      const entry = yield* l.covering(1);
      yield l.lock.release;
      return entry;
    }
    expect(runDirect(underLock(), 'updater')).toBe(0);
  });

  it('rcu-blocking-in-reader: waiting for a lock, parking or synchronize_rcu inside a section fires', () => {
    const lock = lockOf('arm_pmus_lock', 'arm_pmus_lock');
    function* waitsInside(): Op<void> {
      yield RCU_READ_LOCK;
      yield lock.acquire;
      yield lock.release;
      yield RCU_READ_UNLOCK;
    }
    // Uncontended, the lock inside the section is no wait (lockdep records rcu → arm_pmus_lock).
    const quiet = new Stepper();
    quiet.spawn('reader', waitsInside());
    expect(() => quiet.finish()).not.toThrow();
    const s = new Stepper();
    const holder = s.spawn('holder', hold(lock));
    const reader = s.spawn('reader', waitsInside());
    s.step(holder); // holder takes the lock
    s.step(reader); // reader enters its section, then reaches the held lock
    let e: unknown;
    try {
      s.finish();
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ name: 'OracleViolation', oracle: 'rcu-blocking-in-reader' });
    expect((e as Error).message).toMatch(/^reader waited for arm_pmus_lock inside an RCU read-side section/);
    function* syncInside(): Op<void> {
      yield RCU_READ_LOCK;
      yield SYNCHRONIZE_RCU;
    }
    expect(oracleOf(() => runDirect(syncInside(), 'sync'))).toBe('rcu-blocking-in-reader');
    function* parkInside(): Op<void> {
      yield RCU_READ_LOCK;
      yield park('idle', new Int32Array(new SharedArrayBuffer(4)), 0, 1);
    }
    expect(oracleOf(() => runDirect(parkInside(), 'park'))).toBe('rcu-blocking-in-reader');
  });

  it('rcu-synchronize-under-reader-lock: synchronize_rcu under a lock some reader took inside its section fires, with no deadlock needed', () => {
    const lock = lockOf('arm_pmus_lock', 'arm_pmus_lock');
    function* reader(): Op<void> {
      yield RCU_READ_LOCK;
      yield lock.acquire;
      yield lock.release;
      yield RCU_READ_UNLOCK;
    }
    function* writer(): Op<void> {
      yield lock.acquire;
      yield SYNCHRONIZE_RCU;
      yield lock.release;
    }
    const s = new Stepper();
    s.spawn('reader', reader());
    s.spawn('writer', writer());
    let e: unknown;
    try {
      s.finish();
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ name: 'OracleViolation', oracle: 'rcu-synchronize-under-reader-lock' });
    expect((e as Error).message).toMatch(/^writer waits for a grace period holding \[arm_pmus_lock\].*rcu → arm_pmus_lock: step \d+: reader held \[rcu_read_lock\] and took arm_pmus_lock/);
    const clean = new Stepper();
    clean.spawn('writer', writer()); // the RCU design's writer: readers never take its lock
    expect(() => clean.finish()).not.toThrow();
  });

  it('rcu-pipeline-age: a reader the grace period did not wait for (a broken QSBR slot) sees its snapshot a grace period after removal', () => {
    const domain = new RcuDomain(rcuLayout.allocate(true));
    const l = new PmuList(pmuListLayout.allocate(true), 'rcu');
    const writer = new HwTask('writer', 0, domain);
    writer.online();
    runHw(l.append(0, 8, [0, 1]), writer);
    runHw(l.append(1, 9, [2, 3]), writer);
    const walk = () => {
      const reader = new HwTask('reader', 1, domain); // planted: never set online, invisible to grace periods
      const op = probeInside(l, true);
      const step = () => {
        const r = op.next();
        if (!r.done) reader.step(r.value);
        return r;
      };
      step(); // rcu_read_lock
      step(); // the snapshot is loaded; the walk stops at its first node
      // A writer republishes meanwhile; had the reader been online, its grace period would
      // wait for it (on this one thread: forever), so only the broken case is run through.
      runHw(l.republish(), writer);
      for (let r = step(); !r.done; r = step());
    };
    expect(oracleOf(walk)).toBe('rcu-pipeline-age');
    // Clean: the same reader inside its section with no writer in between reads a live snapshot.
    expect(runDirect(probeInside(l, true), 'reader')).toBe(0);
  });
});

describe('on real workers', () => {
  it.each([
    ['pmu-probe-race', 'reader-outside-read-section', 'rcu-dereference-outside-reader'],
    ['set-pmu-vs-hotplug', 'config-lock-inversion', 'lock-order'],
  ])('%s with %s fails with %s; clean, it passes', async (name, bug, oracle) => {
    const bad = await runScenario(resolveScenario({ ...builtinScenarios[name]!, bugs: [bug] }, name));
    expect(verdictOf(bad).oracle).toBe(oracle);
    const clean = await runScenario(resolveScenario(builtinScenarios[name]!, name));
    expect(verdictOf(clean)).toMatchObject({ verdict: 'SUCCESS' });
  });
});
