/**
 * Guest memory for workloads: a small region per vCPU where a guest program keeps its
 * state between scheduling quanta. It sits on a SharedArrayBuffer in the engine, so the
 * guest's state follows its vCPU from one pCPU worker to the next, as RAM would.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';

const L = new LayoutBuilder();
L.u64(16);
L.i32(16);
export const guestMemoryLayout = L.build();

export type GuestMemory = Region;
