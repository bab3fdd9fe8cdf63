/**
 * cpumasks as two 32-bit words in an Int32Array (up to MAX_CPUS physical CPUs), so a mask
 * can live in shared memory and be read lock-free (spec §2.1 `supported_cpus`).
 */
export const MAX_CPUS = 64;
export const CPUMASK_WORDS = MAX_CPUS / 32;

export function cpumaskHas(words: Int32Array, at: number, cpu: number): boolean {
  if (cpu < 0 || cpu >= MAX_CPUS) return false;
  return ((words[at + (cpu >>> 5)]! >>> (cpu & 31)) & 1) === 1;
}

export function cpumaskSet(words: Int32Array, at: number, cpu: number): void {
  words[at + (cpu >>> 5)]! |= 1 << (cpu & 31);
}

export function cpumaskCopy(dst: Int32Array, dstAt: number, src: Int32Array, srcAt: number): void {
  for (let w = 0; w < CPUMASK_WORDS; w++) dst[dstAt + w] = src[srcAt + w]!;
}

export function cpumaskFill(words: Int32Array, at: number, cpus: readonly number[]): void {
  for (let w = 0; w < CPUMASK_WORDS; w++) words[at + w] = 0;
  for (const cpu of cpus) cpumaskSet(words, at, cpu);
}

export function cpumaskToList(words: Int32Array, at: number): number[] {
  const out: number[] = [];
  for (let cpu = 0; cpu < MAX_CPUS; cpu++) if (cpumaskHas(words, at, cpu)) out.push(cpu);
  return out;
}

/** "0-3,6" style list, as sysfs `cpus` files print it. */
export function formatCpuList(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
