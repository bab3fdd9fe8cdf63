/**
 * The per-thread timeline of a recorded execution, one line per step (VOPR style): the step
 * number, a lane per thread with the stepping thread marked, its name and what it did.
 */
import type { Migrations } from './schedule.js';
import { describeOp, type SimMachine } from './sim.js';

export function formatTimeline(
  sim: SimMachine,
  opts: { last?: number; preempted?: readonly { step: number; thread: number }[]; migrations?: Migrations } = {},
): string[] {
  const passedOver = new Map((opts.preempted ?? []).map((p) => [p.step, p.thread]));
  const migratedTo = new Map((opts.migrations?.steps ?? []).map((step, k) => [step, opts.migrations!.cpus[k]!]));
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
    const to = migratedTo.get(k);
    const mark = (over === undefined ? '' : `   ⟵ preempts ${names[over]}`) + (to === undefined ? '' : `   ⟵ vCPU thread preempted and migrated to cpu ${to}`);
    lines.push(`${String(k).padStart(7)}  ${lane}  ${names[t]!.padEnd(width)}  ${describeOp(rec.op[k]!)}${mark}`);
  }
  return lines;
}

/** "preemptions: step 12 (pcpu1 preempts vmm:configurator), …; injected migrations: …". */
export function formatPreemptions(sim: SimMachine, preempted: readonly { step: number; thread: number }[], migrations: Migrations): string {
  const rec = sim.recorded;
  const name = (t: number) => sim.thread(t).task.name;
  const p = preempted.length === 0 ? 'no preemptions' : `preemptions: ${preempted.map((x) => `step ${x.step} (${rec ? `${name(rec.thread[x.step]!)} preempts ` : 'passes over '}${name(x.thread)})`).join(', ')}`;
  const m = migrations.steps.map((step, k) => `step ${step} (${name(migrations.threads[k]!)}'s vCPU to cpu ${migrations.cpus[k]})`);
  return m.length === 0 ? p : `${p}; injected migrations: ${m.join(', ')}`;
}
