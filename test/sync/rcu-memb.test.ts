/**
 * RCU's memb flavour (sync/rcu.ts, design rcu-memb): readers announce a section in their
 * own counter word; a grace period waits for exactly the readers inside a section when it
 * looked — not for threads between sections, and not for sections begun after.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RcuDomain, rcuLayout } from '../../src/sync/rcu.js';
import { HwTask, runHw } from '../../src/sync/hw.js';
import { RCU_READ_LOCK, RCU_READ_UNLOCK, type Op } from '../../src/sync/seam.js';

describe('RCU memb flavour', () => {
  it("a reader's outermost section makes its word odd, nesting does not move it, unlock makes it even", () => {
    const domain = new RcuDomain(rcuLayout.allocate(true), 'memb');
    const task = new HwTask('reader', 3, domain);
    const words: number[] = [];
    const word = () => domain.region.i32.reduce((odd, w) => odd + (w & 1), 0);
    function* section(): Op<void> {
      yield RCU_READ_LOCK;
      words.push(word());
      yield RCU_READ_LOCK;
      words.push(word());
      yield RCU_READ_UNLOCK;
      words.push(word());
      yield RCU_READ_UNLOCK;
      words.push(word());
    }
    runHw(section(), task);
    expect(words).toEqual([1, 1, 1, 0]);
  });

  it('synchronize returns at once when no reader is inside a section, even with online threads that never report a quiescent state', () => {
    const domain = new RcuDomain(rcuLayout.allocate(true), 'memb');
    domain.online(1); // QSBR would wait for this thread forever: it never reports
    const t0 = performance.now();
    domain.synchronize(0);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(domain.gracePeriods()).toBe(1);
  });

  it('synchronize (on another thread) waits for a reader inside a section until it leaves', async () => {
    const region = rcuLayout.allocate(true);
    const reader = new RcuDomain(region, 'memb').readerFor(5)!;
    reader.enter();
    // The writer: the built domain's synchronize, on a thread of its own (workers run from dist/).
    const w = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       import(workerData.rcu).then(({ RcuDomain, rcuLayout }) => {
         const domain = new RcuDomain(rcuLayout.view(workerData.sab), 'memb');
         parentPort.postMessage('start');
         const t0 = Date.now();
         domain.synchronize(0);
         parentPort.postMessage(Date.now() - t0);
       });`,
      { eval: true, workerData: { sab: region.i32.buffer, rcu: new URL('../../dist/src/sync/rcu.js', import.meta.url).href } },
    );
    const messages: unknown[] = [];
    const waited = new Promise<number>((resolve) => w.on('message', (m) => (messages.push(m), m !== 'start' && resolve(m as number))));
    await new Promise<void>((resolve) => w.once('message', () => resolve()));
    await new Promise((r) => setTimeout(r, 150));
    expect(messages).toEqual(['start']); // still waiting while the reader is inside
    reader.exit();
    expect(await waited).toBeGreaterThanOrEqual(100);
    await w.terminate();
  });

  it("offline closes a dead reader's open section, so no grace period waits for a thread that is gone", () => {
    const domain = new RcuDomain(rcuLayout.allocate(true), 'memb');
    domain.readerFor(2)!.enter();
    domain.offline(2);
    const t0 = performance.now();
    domain.synchronize(0);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('QSBR is unchanged: no reader words are written', () => {
    const domain = new RcuDomain(rcuLayout.allocate(true));
    expect(domain.readerFor(1)).toBeUndefined();
  });
});
