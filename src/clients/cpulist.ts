/** Linux cpulist syntax ("0-3,6"), as `--vcpu-affinity` and sysfs `cpus` files use it. */
import { VpmuLabError } from '../host/errors.js';

/** Parses "4-7" / "0,2-3" into sorted distinct CPU ids below `cpus`; throws on bad input. */
export function parseCpuList(text: string, cpus: number, what = 'cpulist'): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new VpmuLabError(`${what}: bad cpulist ${JSON.stringify(text)} (expected e.g. "4-7" or "0,2-3")`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new VpmuLabError(`${what}: bad range ${JSON.stringify(part.trim())} in ${JSON.stringify(text)}`);
    if (to >= cpus) throw new VpmuLabError(`${what}: CPU ${to} does not exist (the host has CPUs 0-${cpus - 1})`);
    for (let c = from; c <= to; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}
