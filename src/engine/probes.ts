/**
 * Synchronisation probes run inside worker threads: locktorture, rcutorture and a
 * wait/notify ping-pong. Tests use them to prove the shared-memory locks and the RCU
 * domain on real threads; the benchmarks use them for the physical floor.
 */
import { PmuList, pmuListLayout, rcuFlavourOf, RcuViolation, type PmuListDesign } from '../host/pmu-list.js';
import { LockRef, LOCK_WORDS } from '../sync/lock.js';
import { RcuDomain, rcuLayout } from '../sync/rcu.js';
import { HwTask, runHw } from '../sync/hw.js';
import type { Op } from '../sync/seam.js';
import { readListAsWorker } from './leaf-reader.js';

export type ProbeJob =
  /** Take the lock `iterations` times; inside, increment a plain (non-atomic) counter. */
  | { kind: 'locktorture'; slot: number; buffer: SharedArrayBuffer; iterations: number }
  /** Read the PMU list (probe by CPU, search by type, leaf walk) until `stop` is set. */
  | { kind: 'rcu-reader'; slot: number; list: SharedArrayBuffer; rcu: SharedArrayBuffer; design: PmuListDesign; cpus: number }
  /** Append `appends` PMUs (hotplug), then republish until `stop`, counting writes. */
  | { kind: 'rcu-writer'; slot: number; list: SharedArrayBuffer; rcu: SharedArrayBuffer; design: PmuListDesign; appends: number; cpus: number }
  /** Bounce a token `rounds` times with the peer through Atomics.wait/notify. */
  | { kind: 'pingpong'; buffer: SharedArrayBuffer; me: 0 | 1; rounds: number };

export interface ProbeResult {
  ops: number;
  /** Time the probe's own loop took (ping-pong: from the first to the last handoff). */
  elapsedNs?: number;
  /** An RcuViolation message, if a reader ever saw poison. */
  violation?: string;
}

/** Word layout of the locktorture buffer: the lock, the plain counter. */
export const TORTURE_WORDS = LOCK_WORDS + 1;
/** Control words shared by the RCU probes (after the list/RCU regions): stop flag. */
export const STOP = 0;

function* criticalSection(lock: LockRef, counter: Int32Array): Op<void> {
  yield lock.acquire;
  // Deliberately non-atomic read-modify-write: only mutual exclusion keeps it exact.
  const v = counter[LOCK_WORDS]!;
  counter[LOCK_WORDS] = v + 1;
  yield lock.release;
}

export function runProbe(job: ProbeJob, stop: Int32Array): ProbeResult {
  switch (job.kind) {
    case 'locktorture': {
      const words = new Int32Array(job.buffer);
      const lock = new LockRef('config_lock', 'torture lock', words, 0);
      const task = new HwTask(`locktorture ${job.slot}`, job.slot, undefined);
      for (let i = 0; i < job.iterations; i++) runHw(criticalSection(lock, words), task);
      return { ops: job.iterations };
    }
    case 'rcu-reader': {
      const domain = new RcuDomain(rcuLayout.view(job.rcu), rcuFlavourOf(job.design));
      const list = new PmuList(pmuListLayout.view(job.list), job.design);
      const task = new HwTask(`rcu reader ${job.slot}`, job.slot, domain);
      readListAsWorker(list, task);
      task.online();
      let ops = 0;
      try {
        while (Atomics.load(stop, STOP) === 0) {
          const cpu = ops % job.cpus;
          runHw(list.probe(cpu), task);
          list.firstCovering(cpu); // a leaf walk, as FIXED-mode event creation does
          task.quiescent();
          ops += 2;
        }
      } catch (e) {
        if (e instanceof RcuViolation) return { ops, violation: e.message };
        throw e;
      } finally {
        task.offline();
      }
      return { ops };
    }
    case 'rcu-writer': {
      const domain = new RcuDomain(rcuLayout.view(job.rcu), rcuFlavourOf(job.design));
      const list = new PmuList(pmuListLayout.view(job.list), job.design);
      const task = new HwTask(`rcu writer ${job.slot}`, job.slot, domain);
      task.online();
      let ops = 0;
      for (let i = 0; i < job.appends; i++, ops++) runHw(list.append(i, 100 + i, [i % job.cpus]), task);
      while (Atomics.load(stop, STOP) === 0) {
        runHw(list.republish(), task);
        ops++;
      }
      task.offline();
      return { ops };
    }
    case 'pingpong': {
      const w = new Int32Array(job.buffer);
      // w[0] is whose turn it is; each side waits for its turn, then hands over.
      let t0 = 0n;
      for (let r = 0; r < job.rounds; r++) {
        while (Atomics.load(w, 0) !== job.me) {
          if (Atomics.load(stop, STOP) !== 0) return { ops: r }; // the peer is gone
          Atomics.wait(w, 0, 1 - job.me, 100);
        }
        if (r === 0) t0 = process.hrtime.bigint();
        Atomics.store(w, 0, 1 - job.me);
        Atomics.notify(w, 0);
      }
      return { ops: job.rounds, elapsedNs: Number(process.hrtime.bigint() - t0) };
    }
  }
}
