/**
 * `formatOutcome`: the ioctl trace with results (runs of ONE_REG accesses to consecutive
 * registers folded into one line), then a summary: PMU, N, where the VM runs and counts,
 * and the client's verdict.
 */
import { formatCpuList } from '../host/cpumask.js';
import type { ClientOutcome, TraceLine } from './types.js';

interface Row {
  readonly actor: string;
  readonly call: string;
  readonly ret: string;
  readonly note: string;
}

const ONE_REG = /^(KVM_[GS]ET_ONE_REG)\(([^,]+), ([^,)]+)/;
const FOLD_MIN = 3;

/** Folds runs of same-actor, same-vCPU, same-result ONE_REG lines into one row. */
function rows(trace: readonly TraceLine[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < trace.length; ) {
    const m = ONE_REG.exec(trace[i]!.call);
    let j = i + 1;
    if (m) {
      const [, ioctl, target] = m;
      const same = (l: TraceLine) => {
        const n = ONE_REG.exec(l.call);
        return n !== null && n[1] === ioctl && n[2] === target && l.actor === trace[i]!.actor && l.ret === trace[i]!.ret;
      };
      while (j < trace.length && same(trace[j]!)) j++;
      if (j - i >= FOLD_MIN) {
        const last = ONE_REG.exec(trace[j - 1]!.call)![3];
        const t = trace[i]!;
        out.push({ actor: t.actor, call: `${ioctl}(${target}, ${m[3]} … ${last}) ×${j - i}`, ret: t.ret, note: '' });
        i = j;
        continue;
      }
      j = i + 1;
    }
    const t = trace[i]!;
    out.push({ actor: t.actor, call: t.call, ret: t.ret, note: t.note ?? '' });
    i = j;
  }
  return out;
}

function cpus(list: readonly number[]): string {
  return list.length === 0 ? 'none' : formatCpuList(list);
}

function verdict(o: ClientOutcome): string {
  if (!o.ok) return `FAILED: ${o.error}`;
  if (o.mode === 'none') return 'boots without a vPMU';
  const silent = o.runnableCpus.filter((c) => !o.countingCpus.includes(c));
  const lost = silent.length > 0 ? `; guest counters silently stop on CPUs ${formatCpuList(silent)}` : '';
  return `boots with a ${o.mode} vPMU${lost}`;
}

function pmuLine(o: ClientOutcome): string {
  if (o.pmu === null) return `none (mode ${o.mode})`;
  const fixed = o.mode === 'fixed-counters-only' ? ', only a fallback: the cycle counter follows the pCPU' : '';
  return `${o.pmu} (perf type ${o.pmuType}), mode ${o.mode}${fixed}`;
}

export function formatOutcome(o: ClientOutcome): string {
  const table = rows(o.trace);
  const aw = Math.max(5, ...table.map((r) => r.actor.length));
  const cw = Math.min(76, Math.max(4, ...table.map((r) => r.call.length)));
  const rw = Math.max(3, ...table.map((r) => r.ret.length));
  const line = (a: string, c: string, r: string, n: string) =>
    `  ${a.padEnd(aw)}  ${c.padEnd(cw)}  ${r.padEnd(rw)}  ${n}`.trimEnd();
  const opts = o.options;
  const head =
    `${o.client} on ${o.host} (profile ${o.profile}): ${opts.vcpus} vCPU(s), main thread on cpu${opts.mainCpu}, ` +
    `vCPU threads on ${opts.vcpuCpus.map((c) => `cpu${c}`).join(',')}` +
    (opts.affinity ? `, affinity ${formatCpuList(opts.affinity)}` : '');
  const out = [head, '', line('actor', 'call', 'ret', 'note'), ...table.map((r) => line(r.actor, r.call, r.ret, r.note)), ''];
  out.push('summary');
  out.push(`  PMU:        ${pmuLine(o)}`);
  out.push(`  PMCR_EL0.N: ${o.nrCounters ?? 'n/a (PMU registers hidden)'}`);
  out.push(`  runs on:    ${o.ok ? cpus(o.runnableCpus) : 'not run (setup failed)'}`);
  out.push(`  counts on:  ${o.ok ? cpus(o.countingCpus) : 'not run (setup failed)'}`);
  for (const n of o.notes) out.push(`  note:       ${n}`);
  out.push(`  verdict:    ${verdict(o)}`);
  return out.join('\n');
}
