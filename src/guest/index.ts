/** The guest workloads by name. */
import { unknownName } from '../host/errors.js';
import { cycleDivider } from './cycle-divider.js';
import { idle } from './idle.js';
import { overflow } from './overflow.js';
import { perfStat } from './perf-stat.js';
import { pmuHammer } from './pmu-hammer.js';
import { sampler } from './sampler.js';
import type { Workload } from './workload.js';

export const workloads: Readonly<Record<string, Workload>> = Object.freeze({
  'cycle-divider': cycleDivider,
  'perf-stat': perfStat,
  'pmu-hammer': pmuHammer,
  idle,
  overflow,
  sampler,
});
export const workloadNames: readonly string[] = Object.freeze(Object.keys(workloads));

export function workload(name: string): Workload {
  const w = workloads[name];
  if (!w) throw unknownName('workload', name, workloadNames);
  return w;
}
