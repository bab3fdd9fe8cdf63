/**
 * The per-thread timeline of a recorded execution, one line per step (VOPR style): the step
 * number, a lane per thread with the stepping thread marked, its name and what it did.
 */
import { describeOp, type SimMachine } from './sim.js';

/** An injected migration where it took effect (execution.ts `migratedAt`). */
export interface MigratedAt {
  readonly step: number;
  readonly thread: number;
  readonly cpu: number;
  /** The preemptible point it happened at. */
  readonly at: string;
}

export function formatTimeline(
  sim: SimMachine,
  opts: { last?: number; preempted?: readonly { step: number; thread: number }[]; migratedAt?: readonly MigratedAt[] } = {},
): string[] {
  const passedOver = new Map((opts.preempted ?? []).map((p) => [p.step, p.thread]));
  const migrated = new Map((opts.migratedAt ?? []).map((m) => [m.step, m]));
  const rec = sim.recorded;
  if (!rec) throw new Error('timeline: the execution was not recorded');
  const names = sim.threads.map((t) => t.task.name);
  const width = Math.max(6, ...names.map((n) => n.length));
  const total = rec.thread.length;
  const from = opts.last === undefined ? 0 : Math.max(0, total - opts.last);
  const lanes = names.map((_, i) => String(i % 10)).join('');
  const lines = [`${'step'.padStart(7)}  ${lanes}  ${'thread'.padEnd(width)}  event`];
  if (from > 0) lines.push(`${'…'.padStart(7)}  ${' '.repeat(names.length)}  (${from} earlier steps; --full prints them)`);
  for (let k = from; k < total; k++) {
    const t = rec.thread[k]!;
    const lane = '.'.repeat(t) + '●' + '.'.repeat(names.length - t - 1);
    const over = passedOver.get(k);
    const m = migrated.get(k);
    const mark = (over === undefined ? '' : `   ⟵ preempts ${names[over]}`) + (m === undefined ? '' : `   ⟵ ${names[m.thread]}'s vCPU thread preempted at "${m.at}", migrated to cpu ${m.cpu}`);
    lines.push(`${String(k).padStart(7)}  ${lane}  ${names[t]!.padEnd(width)}  ${describeOp(rec.op[k]!)}${mark}`);
  }
  return lines;
}

/** "preemptions: step 12 (pcpu1 preempts vmm:configurator), …; injected migrations: …". */
export function formatPreemptions(sim: SimMachine, preempted: readonly { step: number; thread: number }[], migratedAt: readonly MigratedAt[]): string {
  const rec = sim.recorded;
  const name = (t: number) => sim.thread(t).task.name;
  const p = preempted.length === 0 ? 'no preemptions' : `preemptions: ${preempted.map((x) => `step ${x.step} (${rec ? `${name(rec.thread[x.step]!)} preempts ` : 'passes over '}${name(x.thread)})`).join(', ')}`;
  const m = migratedAt.map((x) => `step ${x.step} (${name(x.thread)}'s vCPU to cpu ${x.cpu})`);
  return m.length === 0 ? p : `${p}; injected migrations: ${m.join(', ')}`;
}
