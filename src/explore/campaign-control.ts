/**
 * Shared memory that every block of a campaign reads and writes, whichever thread runs it:
 * two words read before each execution — STOP (the budget ran out, a signal came: end now)
 * and CUTOFF (a failure was found at this index: executions after it need not run) — and
 * live counters for the progress lines. Workers see a stop at once, without a message
 * (DESIGN principle 3: the hot path is shared memory).
 */
const STOP = 0;
const CUTOFF = 1;
const WORDS = 2;
const NO_CUTOFF = 0x7fffffff;
const EXECUTIONS = 0;
const STEPS = 1;
const FAILURES = 2;
const COUNTERS = 3;
/** The counters follow the words, 8-byte aligned. */
const COUNTERS_AT = 8;

export interface LiveCounts {
  readonly executions: number;
  readonly steps: number;
  readonly failures: number;
}

export class CampaignControl {
  private readonly words: Int32Array;
  private readonly counters: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = CampaignControl.fresh()) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.counters = new BigInt64Array(buffer, COUNTERS_AT, COUNTERS);
  }

  private static fresh(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(COUNTERS_AT + COUNTERS * BigInt64Array.BYTES_PER_ELEMENT);
    new Int32Array(buffer, 0, WORDS)[CUTOFF] = NO_CUTOFF;
    return buffer;
  }

  stop(): void {
    Atomics.store(this.words, STOP, 1);
  }

  /**
   * Executions after `index` need not run (a failure there ends the campaign). Only the
   * campaign's own thread calls it (workers only read), so a load and a store suffice.
   */
  cutAt(index: number): void {
    if (index < Atomics.load(this.words, CUTOFF)) Atomics.store(this.words, CUTOFF, index);
  }

  /** Whether execution `index` should not start. */
  stopped(index: number): boolean {
    return Atomics.load(this.words, STOP) !== 0 || index > Atomics.load(this.words, CUTOFF);
  }

  /** An execution ended (any thread): for the progress lines. */
  ran(steps: number, failed: boolean): void {
    Atomics.add(this.counters, EXECUTIONS, 1n);
    Atomics.add(this.counters, STEPS, BigInt(steps));
    if (failed) Atomics.add(this.counters, FAILURES, 1n);
  }

  /** Everything that ran so far, including executions after a failure that will not be counted. */
  live(): LiveCounts {
    return {
      executions: Number(Atomics.load(this.counters, EXECUTIONS)),
      steps: Number(Atomics.load(this.counters, STEPS)),
      failures: Number(Atomics.load(this.counters, FAILURES)),
    };
  }
}
