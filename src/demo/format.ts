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
  return `${r.config}: the cycle counter is re-created on each CPU's PMU at load; ${r.counted} of ${r.executed} cycles counted`;
}

export function formatDemo(host: string, rows: readonly DemoRow[]): string {
  const table = formatTable(
    ['configuration', 'profile', 'PMU', 'quanta run', 'fail entries', 'cycles counted/executed', 'outcome'],
    rows.map((r) => [
      r.config,
      r.profile,
      r.pmu,
      String(r.quantaRun),
      String(r.failEntries.length),
      `${r.counted}/${r.executed}`,
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
