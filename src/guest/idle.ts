/** The idle guest: executes, never touches the PMU. */
import type { Workload } from './workload.js';

const QUANTA = 0;
export const idle: Workload = {
  name: 'idle',
  description: 'executes without touching the PMU',
  // Never touches the PMU, so it never yields: a generator only for the Workload shape.
  *quantum(g, mem, { cycles }) {
    g.exec(cycles, cycles);
    mem.i32[QUANTA]!++;
  },
  report: (mem) => ({ quanta: mem.i32[QUANTA]! }),
};
