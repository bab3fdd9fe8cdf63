/**
 * The lock order of spec §5.1 (kvm->lock → vcpu->mutex → config_lock → arm_pmus_lock;
 * vCPU mutexes in increasing id) is known to lockdep in every driver: an acquisition against
 * it closes a cycle with the declared order and is refused, and a thread that breaks it
 * gives back what it held.
 */
import { describe, expect, it } from 'vitest';
import { LOCK_WORDS, LockOrderError, LockRef, type LockClass } from '../../src/sync/lock.js';
import { runDirect } from '../../src/sync/direct.js';
import { HwTask, runHw } from '../../src/sync/hw.js';
import type { Op } from '../../src/sync/seam.js';
import { Stepper } from '../../src/sync/stepper.js';

function lock(cls: LockClass, name: string, subclass = 0): LockRef {
  return new LockRef(cls, name, new Int32Array(new SharedArrayBuffer(4 * LOCK_WORDS)), 0, subclass);
}

function* nested(outer: LockRef, inner: LockRef): Op<string> {
  yield outer.acquire;
  yield inner.acquire;
  yield inner.release;
  yield outer.release;
  return 'ok';
}

describe('lock order (spec §5.1)', () => {
  const kvm = lock('kvm->lock', 'vm0 kvm->lock');
  const vcpu0 = lock('vcpu->mutex', 'vcpu0->mutex', 0);
  const vcpu1 = lock('vcpu->mutex', 'vcpu1->mutex', 1);
  const config = lock('config_lock', 'vm0 config_lock');
  const pmus = lock('arm_pmus_lock', 'arm_pmus_lock');

  it.each([
    [kvm, vcpu0],
    [vcpu0, config],
    [config, pmus],
    [vcpu0, vcpu1],
    [kvm, pmus],
  ])('%s then %s is allowed', (a, b) => {
    expect(runDirect(nested(a, b), 'ok')).toBe('ok');
  });

  it.each([
    [config, vcpu0, /takes vcpu0->mutex holding \[vm0 config_lock\].*config_lock → vcpu->mutex closes a cycle with vcpu->mutex → config_lock: declared by spec §5\.1/],
    [pmus, config, /takes vm0 config_lock holding \[arm_pmus_lock\].*arm_pmus_lock → config_lock closes a cycle/],
    [vcpu1, vcpu0, /possible recursive locking: .* takes vcpu0->mutex while holding vcpu1->mutex/],
    [vcpu0, kvm, /takes vm0 kvm->lock holding \[vcpu0->mutex\]/],
  ])('%s then %s is refused, in every driver, and the outer lock is given back', (a, b, message) => {
    expect(() => runDirect(nested(a, b), 'direct')).toThrow(LockOrderError);
    expect(a.isHeld()).toBe(false);
    const s = new Stepper();
    s.spawn('stepped', nested(a, b));
    expect(() => s.finish()).toThrow(message);
    a.releaseBy(a.owner()); // the stepper leaves a dead thread's locks for the caller to see
    const task = new HwTask('hw', 3, undefined);
    expect(() => runHw(nested(a, b), task)).toThrow(message);
    expect(a.isHeld()).toBe(false);
  });
});
