/**
 * The pCPU loop's shared words under issue 9's rules: statistics counted per thread and
 * published every K quanta are complete once the threads are gone; a doorbell that only
 * notifies a sleeper loses no wake-up; the flight recorder numbers each thread's events
 * outside record mode and keeps the global order in it.
 */
import { describe, expect, it } from 'vitest';
import { Control, STAT, STATUS } from '../../src/engine/control.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { EVENT_KIND, FlightRecorder, SYNC_EVERY } from '../../src/engine/flight-recorder.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { HwTask } from '../../src/sync/hw.js';

describe('ThreadStats', () => {
  it('publishes every K quanta, and everything at flush; the heartbeat at every quantum', () => {
    const control = Control.create({ cpus: 2, vcpus: 1, threads: 3 });
    const stats = control.threadStats(1, 4);
    for (let q = 1; q <= 6; q++) {
      stats.add(STAT.LOADS);
      stats.add(STAT.ACCESSES, 10);
      stats.quantumDone();
      expect(control.stat(1, STAT.HEARTBEAT)).toBe(BigInt(q));
      expect(control.stat(1, STAT.LOADS)).toBe(q < 4 ? 0n : 4n);
    }
    stats.flush();
    expect(control.stat(1, STAT.LOADS)).toBe(6n);
    expect(control.total(STAT.ACCESSES)).toBe(60n);
    // A rare statistic of the same thread, published at once, is not lost by the next flush.
    control.add(1, STAT.LOADS, 100);
    stats.add(STAT.LOADS);
    stats.flush();
    expect(control.stat(1, STAT.LOADS)).toBe(107n);
    expect(control.stat(0, STAT.LOADS)).toBe(0n);
    expect(control.stat(2, STAT.LOADS)).toBe(0n);
  });

  it('a long quantum (2^16 unpublished guest accesses) publishes before K quanta', () => {
    const control = Control.create({ cpus: 1, vcpus: 1, threads: 1 });
    const stats = control.threadStats(0, 32);
    stats.add(STAT.ACCESSES, 70_000);
    stats.quantumDone();
    expect(control.stat(0, STAT.ACCESSES)).toBe(70_000n);
  });

  it('setStatus keeps the words it does not change', () => {
    const control = Control.create({ cpus: 1, vcpus: 1, threads: 2 });
    control.setStatus(1, STATUS.WAITING, 3);
    control.setStatus(1, STATUS.WAITING, 3);
    expect(control.status(1)).toEqual({ status: STATUS.WAITING, waitingOn: 3 });
    control.setStatus(1, STATUS.RUNNING);
    expect(control.status(1)).toEqual({ status: STATUS.RUNNING, waitingOn: -1 });
    expect(control.status(0)).toEqual({ status: STATUS.STARTING, waitingOn: 0 });
  });
});

describe('doorbells', () => {
  it('a park names its sleepers word; a ring moves the word whether or not anyone sleeps', () => {
    const control = Control.create({ cpus: 2, vcpus: 1, threads: 2 });
    const seen = control.doorbell(1);
    const op = control.parkOnDoorbell(1, seen);
    expect(op.kind === 'park' && op.sleepers !== undefined && op.sleepers !== op.index).toBe(true);
    control.ring(1);
    expect(control.doorbell(1)).toBe(seen + 1);
    expect(control.doorbell(0)).toBe(0);
    // A pCPU placing a vCPU on itself does not ring itself; placing it elsewhere rings there.
    control.setSched(0, 1, 1);
    expect(control.doorbell(1)).toBe(seen + 1);
    control.setSched(0, 1, 0);
    expect(control.doorbell(1)).toBe(seen + 2);
    // The park returns at once once the word has moved (HwTask.park on this thread).
    const task = new HwTask('t', 1, undefined);
    task.perform(op);
  });

  it('every quantum a migration to a sleeping pCPU: the run ends with every quantum counted', async () => {
    const quanta = 400;
    const s = resolveScenario({
      name: 'doorbells',
      host: { name: 'four', pmus: [{ name: 'cpu', cpus: [0, 1, 2, 3] }] },
      durationMs: 20_000,
      quanta,
      scheduler: { policy: 'round-robin' },
      vms: [{ vcpus: [{ workload: 'idle', cycles: 10, start: 0 }, { workload: 'idle', cycles: 10, start: 2 }] }],
    });
    const t0 = Date.now();
    const r = await runScenario(s);
    expect(r.failure).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(15_000); // finished by its quanta, not the duration
    expect(r.vcpus.map((v) => [v.quanta, v.state])).toEqual([
      [quanta, 'done'],
      [quanta, 'done'],
    ]);
    // Published every K quanta on the workers, complete after they flushed at exit.
    expect(r.totals.loads).toBe(2 * quanta);
    expect(r.totals.guestEntries).toBe(2 * quanta);
    expect(r.totals.migrations).toBe(2 * (quanta - 1));
  });
});

describe('flight recorder sequences', () => {
  it('outside record mode each thread numbers its own events, meeting a global clock every SYNC_EVERY', () => {
    const rec = FlightRecorder.create(2, 64);
    const a = rec.writer(0);
    const b = rec.writer(1);
    for (let i = 0; i < 3 * SYNC_EVERY; i++) a(EVENT_KIND.POINT, i);
    expect(rec.ring(0).map((e) => e.seq)).toEqual(Array.from({ length: 3 * SYNC_EVERY }, (_, i) => i + 1));
    // Thread 1 starts behind and catches up with the clock at its SYNC_EVERY-th event.
    for (let i = 0; i < SYNC_EVERY + 2; i++) b(EVENT_KIND.POINT, i);
    const seqs = rec.ring(1).map((e) => e.seq);
    expect(seqs.slice(0, SYNC_EVERY - 1)).toEqual(Array.from({ length: SYNC_EVERY - 1 }, (_, i) => i + 1));
    expect(seqs.slice(SYNC_EVERY - 1)).toEqual([3 * SYNC_EVERY, 3 * SYNC_EVERY + 1, 3 * SYNC_EVERY + 2]);
    expect(rec.sequence()).toBe(3 * SYNC_EVERY + 2);
    const tail = rec.tail(8, rec.sequence());
    expect(tail.map((e) => e.seq)).toEqual([...tail.map((e) => e.seq)].sort((x, y) => x - y));
    expect(tail.at(-1)).toMatchObject({ thread: 1, seq: 3 * SYNC_EVERY + 2 });
  });

  it('a thread that took its side of record mode’s gate numbers from the global sequence', () => {
    const rec = FlightRecorder.create(2, 16);
    const a = rec.writer(0);
    const b = rec.writer(1);
    rec.gate(0);
    rec.gate(1);
    a(EVENT_KIND.LOCK, 0);
    b(EVENT_KIND.LOCK, 1);
    a(EVENT_KIND.UNLOCK, 0);
    expect(rec.ring(0).map((e) => e.seq)).toEqual([1, 3]);
    expect(rec.ring(1).map((e) => e.seq)).toEqual([2]);
    expect(rec.sequence()).toBe(3);
  });
});
