/**
 * lock_stat's hold sampling on workers (sync/hw.ts): one hold in eight of each lock class
 * is timed. A thread that takes the same locks in the same order every pass must still time
 * every class — one count per thread timed only the class that came eighth.
 */
import { describe, expect, it } from 'vitest';
import { HwTask, runHw } from '../../src/sync/hw.js';
import { LOCK_WORDS, LockRef } from '../../src/sync/lock.js';
import type { Op } from '../../src/sync/seam.js';
import type { SyncHook } from '../../src/sync/task.js';

describe('hold sampling', () => {
  it('a fixed A-then-B locking pattern times one hold in eight of each class', () => {
    const words = new Int32Array(new SharedArrayBuffer(8 * LOCK_WORDS));
    const a = new LockRef('vcpu->mutex', 'vcpu0 mutex', words, 0);
    const b = new LockRef('config_lock', 'config_lock', words, LOCK_WORDS);
    const timed = new Map<string, number>();
    const hook: SyncHook = {
      acquire: () => {},
      acquired: () => {},
      released: (_t, lock, heldFor) => void (heldFor >= 0 && timed.set(lock.cls, (timed.get(lock.cls) ?? 0) + 1)),
      readLock: () => {},
      synchronize: () => {},
      synchronized: () => {},
    };
    const task = new HwTask('sampler', 1, undefined, {}, undefined, hook);
    function* pass(): Op<void> {
      yield a.acquire;
      yield b.acquire;
      yield b.release;
      yield a.release;
    }
    for (let i = 0; i < 16; i++) runHw(pass(), task);
    expect(Object.fromEntries(timed)).toEqual({ 'vcpu->mutex': 2, config_lock: 2 });
  });
});
