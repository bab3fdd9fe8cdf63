/**
 * config_lock as a spinlock (profile switch configLock, design config-spinlock): a waiter
 * spins — it never sleeps, so it is never told onSleep (and stays online for RCU), but says
 * it waits (onSpin) once it has spun a while — and gets the lock once the holder releases
 * it; the contention is counted as for the mutex.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { LOCK_WORDS, LockRef } from '../../src/sync/lock.js';

describe('spinlock', () => {
  it('a waiter on another thread spins without sleeping and takes the lock after the release', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4 * LOCK_WORDS));
    const lock = new LockRef('config_lock', 'test config_lock', words, 0, 0, true);
    expect(lock.tryAcquire(1)).toBe(true);
    const w = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       import(workerData.lock).then(({ LockRef }) => {
         const lock = new LockRef('config_lock', 'test config_lock', new Int32Array(workerData.sab), 0, 0, true);
         parentPort.postMessage('waiting');
         let slept = false;
         let told = '';
         const contended = lock.acquireBlocking(2, () => (slept = true), undefined, 1000, (l) => (told = l.name));
         parentPort.postMessage({ contended, slept, told, owner: lock.owner() });
         lock.releaseBy(2);
       });`,
      { eval: true, workerData: { sab: words.buffer, lock: new URL('../../dist/src/sync/lock.js', import.meta.url).href } },
    );
    const result = new Promise<{ contended: boolean; slept: boolean; told: string; owner: number }>((resolve) => w.on('message', (m) => m !== 'waiting' && resolve(m)));
    await new Promise<void>((resolve) => w.once('message', () => resolve()));
    // It came and found the lock held (counted as a contention), and spins: wait for that, however slow the machine.
    for (let waited = 0; lock.contended() === 0 && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    expect(lock.contended()).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(lock.owner()).toBe(1); // still ours: a spinner never takes a held lock
    lock.releaseBy(1);
    // It never slept, but said it waits (for a watchdog's lock table) once it had spun a while.
    expect(await result).toEqual({ contended: true, slept: false, told: 'test config_lock', owner: 2 });
    await w.terminate();
  });

  it("the profile switch makes every VM's config_lock a spinlock; the default is the kernel's mutex", () => {
    const spin = createHost('rk3588', { profile: 'mainline', switches: { configLock: 'spinlock' } }).createVm();
    const mutex = createHost('rk3588', { profile: 'mainline' }).createVm();
    const lockOf = (vm: { model: { configLock: LockRef } }) => vm.model.configLock;
    expect(lockOf(spin).spin).toBe(true);
    expect(lockOf(mutex).spin).toBe(false);
  });
});
