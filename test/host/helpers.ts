import { expect } from 'vitest';
import { VpmuLabError } from '../../src/host/errors.js';

/** The VpmuLabError message of `f()`, failing the test if it does not throw one. */
export function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VpmuLabError);
    return (e as Error).message;
  }
  throw new Error('expected a VpmuLabError');
}
