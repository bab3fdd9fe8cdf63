/**
 * An operation that takes no step and returns at once: what a step-taking function returns
 * on its common path when it does not need a generator (`yield* f()` iterates it like any
 * other `Op`, and `runLeaf` too). One shared, stateless object: no allocation per call.
 */
import type { Op } from '../sync/seam.js';

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

export const NO_STEPS: Op<void> = Object.freeze({
  next: () => DONE,
  return: () => DONE,
  throw: (e: unknown): never => {
    throw e;
  },
  [Symbol.iterator]() {
    return NO_STEPS;
  },
  [Symbol.toStringTag]: 'Generator',
}) as Op<void>;
