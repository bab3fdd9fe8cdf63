/**
 * locktorture on real worker threads: four threads hammer one shared-memory lock and do a
 * non-atomic increment inside. Only mutual exclusion makes the final count exact.
 */
import { describe, expect, it } from 'vitest';
import { TORTURE_WORDS } from '../../src/engine/probes.js';
import { runProbes } from '../../src/engine/run-probes.js';
import { LOCK_WORDS, LockRef } from '../../src/sync/lock.js';

describe('shared-memory lock under contention (4 workers)', () => {
  it('the non-atomic counter comes out exact, and contention was real', async () => {
    const buffer = new SharedArrayBuffer(TORTURE_WORDS * 4);
    const iterations = 50_000;
    const results = await runProbes(
      [0, 1, 2, 3].map((slot) => ({ kind: 'locktorture' as const, slot, buffer, iterations })),
    );
    const words = new Int32Array(buffer);
    expect(results.map((r) => r.ops)).toEqual([iterations, iterations, iterations, iterations]);
    expect(words[LOCK_WORDS]).toBe(4 * iterations);
    const lock = new LockRef('config_lock', 'torture lock', words, 0);
    expect(lock.isHeld()).toBe(false);
    expect(lock.owner()).toBe(0);
    expect(lock.contended()).toBeGreaterThan(0);
  });
});
