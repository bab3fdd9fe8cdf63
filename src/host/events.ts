/**
 * Representative implemented-event sets for the PMCEID bitmaps (spec §4.8). They follow the
 * architecture's required common events for each PMU version, not a per-core TRM read.
 */
import { PMUVER } from '../arch/pmuver.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Armv8.0 PMUv3: common events 0x00..0x1D (plus CHAIN 0x1E, always advertised by KVM). */
export const ARMV8_0_EVENTS: readonly number[] = Object.freeze(range(0x00, 0x1d));

/** Armv8.1+ PMUv3 (A55/A76/A78/X1 class): adds 0x1F..0x24, 0x2A..0x3F and 0x4000..0x4004. */
export const ARMV8_2_EVENTS: readonly number[] = Object.freeze([
  ...range(0x00, 0x1d),
  ...range(0x1f, 0x24),
  ...range(0x2a, 0x3f),
  ...range(0x4000, 0x4004),
]);

/** Apple M1/M2 `map_pmuv3_event`: only these PMUv3 events map to native ones. */
export const APPLE_M1_EVENTS: readonly number[] = Object.freeze([0x08, 0x11, 0x21, 0x22]);

export function defaultEventsFor(pmuver: number): readonly number[] {
  if (pmuver === PMUVER.IMP) return ARMV8_0_EVENTS;
  if (pmuver === PMUVER.IMP_DEF) return APPLE_M1_EVENTS;
  return ARMV8_2_EVENTS;
}
