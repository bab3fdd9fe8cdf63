/**
 * The sim machine's fast step path (gates decided when a thread yields, a per-thread
 * last-op cache in front of the trace-id map) decides exactly what the plain rules decide:
 * who can step, which picks a seeded strategy makes, the trace hash, the virtual clocks.
 * The expected hashes and picks were produced by the machine before that path existed.
 */
import { describe, expect, it } from 'vitest';
import { SimMachine } from '../../src/explore/sim.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';
import { LOCK_WORDS, LockRef } from '../../src/sync/lock.js';
import { park, point, QUIESCENT, RCU_READ_LOCK, RCU_READ_UNLOCK, SYNCHRONIZE_RCU, type Op } from '../../src/sync/seam.js';

/** A writer (lock, point, grace period, rings a doorbell), an RCU reader taking the lock, a sleeper parked on the doorbell. */
function program() {
  const words = new Int32Array(new SharedArrayBuffer(4 * (LOCK_WORDS + 2)));
  const lock = new LockRef('config_lock', 'vm0 config_lock', words, 0);
  const BELL = LOCK_WORDS;
  function* writer(): Op<string> {
    for (let i = 0; i < 3; i++) {
      yield lock.acquire;
      yield point('write');
      yield lock.release;
      yield SYNCHRONIZE_RCU;
      Atomics.add(words, BELL, 1); // leaf work: wakes the sleeper
      yield QUIESCENT;
    }
    return 'w';
  }
  function* reader(): Op<string> {
    for (let i = 0; i < 4; i++) {
      yield RCU_READ_LOCK;
      yield point('trap');
      yield RCU_READ_UNLOCK;
      yield lock.acquire;
      yield lock.release;
      yield QUIESCENT;
    }
    return 'r';
  }
  function* sleeper(): Op<string> {
    let seen = 0;
    while (seen < 3) {
      const now = Atomics.load(words, BELL);
      if (now === seen) {
        yield park('idle', words, BELL, seen); // a new park op each time, one label
        continue;
      }
      seen = now;
      yield point('woke');
    }
    return 's';
  }
  const sim = new SimMachine({ record: true, trapLabel: 'trap' });
  sim.spawn('writer', writer());
  sim.spawn('reader', reader());
  sim.spawn('sleeper', sleeper());
  return { sim, lock, words, BELL };
}

function runSeeded(seed: number) {
  const { sim } = program();
  const strategy = new RandomStrategy(seed);
  strategy.start();
  const runnable: number[] = [];
  const picks: number[] = [];
  for (let n = sim.runnableInto(runnable); n > 0; n = sim.runnableInto(runnable)) {
    expect(runnable.length).toBe(n);
    const chosen = strategy.pick(runnable, n);
    picks.push(chosen);
    sim.step(chosen);
  }
  return { sim, picks: picks.join('') };
}

describe('the sim fast path decides what the plain rules decide', () => {
  const expected = [
    { seed: 1, steps: 45, hash: '91aca1302ba1e875', picks: '111111110100022011110001111102002101100202111', clocks: [9685, 9865, 9775] },
    { seed: 2, steps: 45, hash: 'f00d27c209fb6421', picks: '100011001210211110000022000012211111111111111', clocks: [7480, 9770, 7630] },
    { seed: 3, steps: 45, hash: 'f96d45c8a1c9c09e', picks: '001011110220101101011001201010210101111221111', clocks: [7560, 8740, 8745] },
    { seed: 4, steps: 45, hash: '06f3dd23ce9301ee', picks: '101010110020101120110112111121010110011110202', clocks: [7480, 4400, 7570] },
    { seed: 5, steps: 45, hash: 'c4536d7c4b24f0ae', picks: '111000021011112010011001210211000202111111111', clocks: [8570, 9850, 8660] },
  ];
  it.each(expected)('seed $seed: the same picks, trace hash and virtual clocks as before', (e) => {
    const { sim, picks } = runSeeded(e.seed);
    expect(picks).toBe(e.picks);
    expect(sim.steps).toBe(e.steps);
    expect(sim.traceHash()).toBe(e.hash);
    expect(sim.threads.map((t) => t.clock)).toEqual(e.clocks);
    expect(sim.threads.map((t) => t.result)).toEqual(['w', 'r', 's']);
  });

  it('a thread gated on a lock is re-checked every scan, even when the lock moves behind the machine', () => {
    const { sim, lock } = program();
    const runnable: number[] = [];
    sim.runnableInto(runnable); // primes all three: writer and reader at a lock step or before it
    expect(sim.runnable(0)).toBe(true); // writer: lock
    expect(lock.tryAcquire(99)).toBe(true); // someone outside the machine takes it
    expect(sim.runnable(0)).toBe(false);
    expect(() => sim.step(0)).toThrow(/blocked on vm0 config_lock, held by task 99/);
    lock.releaseBy(99);
    expect(sim.runnable(0)).toBe(true);
    sim.step(0); // writer holds it now
    sim.step(1); // reader: rcu_read_lock
    sim.step(1); // reader: trap point
    sim.step(1); // reader: rcu_read_unlock; next is the lock
    expect(sim.runnableInto(runnable)).toBe(1);
    expect(runnable).toEqual([0]); // the reader waits for the lock, the sleeper for the bell
  });

  it('a parked thread becomes runnable once another thread’s leaf work moves its word, and not before', () => {
    const { sim, words, BELL } = program();
    expect(sim.runnable(2)).toBe(false); // parked on the bell
    Atomics.add(words, BELL, 1);
    expect(sim.runnable(2)).toBe(true);
    sim.step(2); // the park; then the sleeper yields 'woke'
    expect(sim.runnable(2)).toBe(true);
    sim.step(2); // 'woke'; parks again on the new value
    expect(sim.runnable(2)).toBe(false);
    expect(sim.waitOf(sim.thread(2))).toBe('parked (idle)');
  });

  it('a synchronize_rcu waits for the reader inside when it began, then not for its next section', () => {
    const { sim } = program();
    sim.step(1); // reader: rcu_read_lock — inside
    sim.step(0); // writer: lock
    sim.step(0); // point
    sim.step(0); // unlock; the writer yields synchronize_rcu: its grace period begins
    expect(sim.runnable(0)).toBe(false);
    expect(sim.waitOf(sim.thread(0))).toMatch(/readers still inside: reader/);
    sim.step(1); // trap point
    sim.step(1); // rcu_read_unlock — the reader left
    expect(sim.runnable(0)).toBe(true);
  });

  it('park steps with one label count as one op in the trace, so equal schedules hash equal', () => {
    const a = runSeeded(3);
    const b = runSeeded(3);
    expect(b.sim.traceHash()).toBe(a.sim.traceHash());
    expect(runSeeded(4).sim.traceHash()).not.toBe(a.sim.traceHash());
  });
});
