/**
 * The physical floor of a migration: ONE wake between two workers, measured one way (not a
 * round trip halved). A waker worker stamps the monotonic clock (process.hrtime, one clock
 * for every thread of the process), then Atomics.notify()s a worker asleep in Atomics.wait;
 * the woken worker stamps the clock as soon as its wait returns. A sample counts only if
 * notify() reported that it woke a waiter (the waiter was really asleep in the futex, not
 * still on its way to it); the waker also spins ~20 µs after the waiter says it is going to
 * sleep, so that nearly every sample is a real wake-up. Between samples the waiter acks by
 * a store the waker spins on, so the waker's own wake-up never enters the figure.
 *
 * One worker pair runs every repetition (start-up is not measured); a repetition's figure
 * is the mean of its counted samples, in ns.
 */
import { Worker } from 'node:worker_threads';

/** Words of the control buffer. */
const FLAG = 0; // the word the waiter sleeps on: 0 asleep, 1 woken
const READY = 1; // the waiter is about to wait (round + 1)
const ACK = 2; // the waiter has stamped round r (r + 1)
const WORDS = 4;

export interface WakeJob {
  role: 'waker' | 'waiter';
  control: SharedArrayBuffer;
  /** BigInt64Array[1]: the waker's stamp of the current round. */
  stamp: SharedArrayBuffer;
  /** Float64Array[rounds]: the waiter's latency per round, ns. */
  samples: SharedArrayBuffer;
  /** Int32Array[rounds]: what the waker's notify() returned per round (1: it woke a sleeper). */
  woke: SharedArrayBuffer;
  rounds: number;
}

function spinNs(ns: number): void {
  const end = process.hrtime.bigint() + BigInt(ns);
  while (process.hrtime.bigint() < end);
}

/** What each worker runs (the worker entry calls it with its job). */
export function runWakeRole(job: WakeJob): void {
  const w = new Int32Array(job.control);
  const stamp = new BigInt64Array(job.stamp);
  const samples = new Float64Array(job.samples);
  const woke = new Int32Array(job.woke);
  for (let r = 0; r < job.rounds; r++) {
    if (job.role === 'waiter') {
      Atomics.store(w, FLAG, 0);
      Atomics.store(w, READY, r + 1);
      Atomics.wait(w, FLAG, 0);
      const t1 = process.hrtime.bigint();
      samples[r] = Number(t1 - Atomics.load(stamp, 0));
      Atomics.store(w, ACK, r + 1);
    } else {
      while (Atomics.load(w, READY) !== r + 1);
      spinNs(20_000); // let the waiter get into the futex
      const t0 = process.hrtime.bigint();
      Atomics.store(stamp, 0, t0);
      Atomics.store(w, FLAG, 1);
      woke[r] = Atomics.notify(w, FLAG, 1);
      while (Atomics.load(w, ACK) !== r + 1);
    }
  }
}

/**
 * `reps` repetitions of `roundsPerRep` one-way wakes; ns per wake of each repetition
 * (mean of its counted samples) and how many samples were dropped.
 */
export async function measureOneWayWake(reps: number, roundsPerRep: number): Promise<{ perRep: number[]; dropped: number }> {
  const rounds = reps * roundsPerRep;
  const control = new SharedArrayBuffer(4 * WORDS);
  const stamp = new SharedArrayBuffer(8);
  const samples = new SharedArrayBuffer(8 * rounds);
  const woke = new SharedArrayBuffer(4 * rounds);
  const url = new URL('./one-way-wake-worker.js', import.meta.url);
  const run = (role: WakeJob['role']) =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(url, { workerData: { role, control, stamp, samples, woke, rounds } satisfies WakeJob });
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`one-way wake ${role} exited with ${code}`))));
    });
  await Promise.all([run('waiter'), run('waker')]);
  const s = new Float64Array(samples);
  const ok = new Int32Array(woke);
  const perRep: number[] = [];
  let dropped = 0;
  for (let k = 0; k < reps; k++) {
    let sum = 0;
    let n = 0;
    // The first rounds of the first repetition warm both workers up: not counted.
    for (let r = k * roundsPerRep + (k === 0 ? Math.min(50, roundsPerRep >> 2) : 0); r < (k + 1) * roundsPerRep; r++) {
      if (ok[r] !== 1) dropped++;
      else {
        sum += s[r]!;
        n++;
      }
    }
    if (n === 0) throw new Error('one-way wake: no repetition sample woke a sleeping waiter');
    perRep.push(sum / n);
  }
  return { perRep, dropped };
}
