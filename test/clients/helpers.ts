import type { ClientOutcome, TraceLine } from '../../src/clients/index.js';
import { createHost } from '../../src/api/host.js';

/** Trace lines whose call matches `pattern`. */
export function lines(o: ClientOutcome, pattern: RegExp): TraceLine[] {
  return o.trace.filter((l) => pattern.test(l.call));
}

/** Index of the first trace line matching `pattern` (-1 if none). */
export function indexOf(o: ClientOutcome, pattern: RegExp): number {
  return o.trace.findIndex((l) => pattern.test(l.call));
}

/** perf type of a host PMU of a preset, by name. */
export function typeOf(preset: string, pmu: string): number {
  return createHost(preset).eventSources.find((p) => p.name === pmu)!.type;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
