/**
 * The RCU writer path stepped deterministically (spec §1.2, FIXED series): a writer that
 * published a new arm_pmus snapshot waits for a grace period — it is blocked while a reader
 * that entered its section earlier is still inside — and only then reclaims.
 */
import { describe, expect, it } from 'vitest';
import { PmuList, pmuListLayout } from '../../src/host/pmu-list.js';
import { Stepper } from '../../src/sync/stepper.js';

describe('synchronize_rcu under the stepper', () => {
  it('blocks the writer until the reader that began before it leaves its section', () => {
    const list = new PmuList(pmuListLayout.allocate(), 'rcu');
    const s = new Stepper();
    const reader = s.spawn('reader', list.probe(0));
    const writer = s.spawn('writer', list.append(0, 8, [0, 1]));
    s.step(reader); // rcu_read_lock + loads the published snapshot (the empty list)
    s.step(writer); // arm_pmus_lock, copy, append, publish
    expect(list.count()).toBe(1); // published...
    expect(list.reclaimed()).toBe(0); // ...but not yet reclaimed
    expect(s.runnable(writer)).toBe(false);
    expect(() => s.step(writer)).toThrow(/blocked on a grace period \(readers still inside: reader\)/);
    s.step(reader); // finishes the walk of its snapshot: no node
    expect(s.runnable(writer)).toBe(false);
    s.step(reader); // rcu_read_unlock
    expect(s.runnable(writer)).toBe(true);
    const [found] = s.finish();
    expect(found).toBe(-1); // the reader's snapshot was the one before the append
    expect(list.reclaimed()).toBe(1);
    expect(s.trace).toEqual([
      'reader: rcu-read-lock',
      'writer: lock arm_pmus_lock',
      'reader: point arm_pmus: snapshot loaded',
      'reader: rcu-read-unlock',
      'writer: synchronize-rcu',
      'writer: unlock arm_pmus_lock',
    ]);
  });

  it('synchronize_rcu inside a read-side section is refused (it would never return)', () => {
    function* bad() {
      yield { kind: 'rcu-read-lock' } as const;
      yield { kind: 'synchronize-rcu' } as const;
      yield { kind: 'rcu-read-unlock' } as const;
    }
    const s = new Stepper();
    const t = s.spawn('bad', bad());
    s.step(t);
    expect(() => s.step(t)).toThrow(/synchronize_rcu inside an RCU read-side section/);
  });
});
