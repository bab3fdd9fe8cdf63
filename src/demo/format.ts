/** Prints the flagship demonstration: one story line per configuration, then the table. */
import { formatTable } from '../cli/table.js';
import type { DemoRow } from './flagship.js';

function verdict(r: DemoRow): string {
  if (r.crash) return 'guest CRASHED (division by zero)';
  if (r.failEntries.length > 0) return `KVM_RUN refused on ${r.failEntries.length} quanta (FAIL_ENTRY)`;
  return r.monotonic && r.counted === r.executed ? 'ran everywhere, counter continuous' : 'ran, counter lost cycles';
}

function story(r: DemoRow): string {
  if (r.crash) {
    const c = r.crash;
    return (
      `${r.config}: vCPU migrated cpu ${c.fromCpu} (${c.fromPmu}) → cpu ${c.cpu} (${c.toPmu}) at quantum ${c.quantum}; ` +
      `its perf events are bound to ${r.pmu}, so ${c.message}`
    );
  }
  if (r.failEntries.length > 0) {
    const cpus = [...new Set(r.failEntries.map((f) => f.cpu))].join(',');
    return `${r.config}: KVM_RUN exits KVM_EXIT_FAIL_ENTRY / CPU_UNSUPPORTED on cpu ${cpus} (outside ${r.pmu}); the guest only runs on its own cluster`;
  }
  if (r.swaps) {
    const s = r.swaps;
    return (
      `${r.config}: the guest owns the low counters of whatever CPU it runs on; its context is swapped at every load and put ` +
      `(${s.loads} loads × ${s.loads > 0 ? s.registersLoaded / s.loads : 0} registers written, ${s.puts} puts × ${s.puts > 0 ? s.registersPut / s.puts : 0} read back); ${r.counted} of ${r.executed} cycles counted`
    );
  }
  return `${r.config}: the cycle counter is re-created on each CPU's PMU at load; ${r.counted} of ${r.executed} cycles counted`;
}

/** What a load costs: the registers the partitioned context swap writes per vcpu_load. */
function perLoad(r: DemoRow): string {
  return r.swaps && r.swaps.loads > 0 ? `${r.swaps.registersLoaded / r.swaps.loads} regs` : '-';
}

export function formatDemo(host: string, rows: readonly DemoRow[]): string {
  const table = formatTable(
    ['configuration', 'profile', 'PMU', 'quanta run', 'fail entries', 'cycles counted/executed', 'swapped per load', 'outcome'],
    rows.map((r) => [
      r.config,
      r.profile,
      r.pmu,
      String(r.quantaRun),
      String(r.failEntries.length),
      `${r.counted}/${r.executed}`,
      perLoad(r),
      verdict(r),
    ]),
  );
  return [
    `vpmu-lab demo on ${host}: a Windows-like guest divides by its cycle-counter delta while its vCPU ping-pongs between clusters`,
    '',
    ...rows.map(story),
    '',
    table,
  ].join('\n');
}
