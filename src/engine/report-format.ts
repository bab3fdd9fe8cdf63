/** The human summary of a run: what ran, the rates, each vCPU's fate, each VMM thread's results. */
import { formatCycle, LockdepGraph } from '../check/lockdep.js';
import { histogramPercentile, type LockStatRow } from '../check/lock-stat.js';
import { formatTable } from '../cli/table.js';
import type { Progress } from './coordinator.js';
import type { RunReport } from './report.js';

function si(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n < 10 && n !== Math.floor(n) ? 1 : 0);
}

/** The live progress line. */
export function formatProgress(p: Progress): string {
  return (
    `${(p.elapsedMs / 1000).toFixed(1)}s  loads/s ${si(p.loadsPerSec)}  migrations/s ${si(p.migrationsPerSec)}  ` +
    `guest PMU accesses/s ${si(p.guestAccessesPerSec)}  ioctls/s ${si(p.ioctlsPerSec)}  crashes ${p.crashes}`
  );
}

function errnos(results: Record<string, number>): string {
  const e = Object.entries(results);
  return e.length === 0 ? '' : ` (${e.map(([k, n]) => `${k} ${n}`).join(', ')})`;
}

function guestSummary(g: Record<string, number | string | boolean>): string {
  return Object.entries(g)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function formatReport(r: RunReport): string {
  const t = r.totals;
  const out = [
    `${r.scenario} on ${r.host} — profile ${r.profile}, arm_pmus ${r.design}, scheduler ${r.policy} (seed ${r.seed})` +
      `${r.interrupted ? ' — INTERRUPTED' : ''}`,
    `${(r.elapsedMs / 1000).toFixed(2)} s: ${t.loads} loads (${si(r.rates.loads)}/s), ${t.migrations} migrations ` +
      `(${si(r.rates.migrations)}/s, ${t.clusterMigrations} across PMUs), ${t.guestAccesses} guest PMU accesses ` +
      `(${si(r.rates.guestAccesses)}/s), ${t.ioctls} ioctls (${si(r.rates.ioctls)}/s)`,
    `guest entries ${t.guestEntries}, fail-entries ${t.failEntries}, failed KVM_RUNs ${t.runErrors}${errnos(r.runErrnos)}, guest crashes ` +
      `${t.guestCrashes}, reloads from the per-load check ${t.loadReloads}`,
    '',
    formatTable(
      ['VM', 'config', 'PMU', 'N', 'runs on'],
      r.vms.map((v) => [String(v.id), v.config, v.pmu ?? '-', String(v.nrCounters), v.supportedCpus]),
    ),
    '',
    formatTable(
      ['vCPU', 'workload', 'quanta', 'state', 'last cpu', 'load reloads', 'guest saw'],
      r.vcpus.map((v) => [
        `${v.vm}/${v.id}`,
        v.workload,
        String(v.quanta),
        v.crash ? `crashed (${v.crash === 'undef' ? 'unexpected UNDEF' : 'guest error'}${v.crashRecord ? ` on cpu ${v.crashRecord.cpu}, quantum ${v.crashRecord.quantum}` : ''})` : v.state,
        String(v.lastCpu),
        String(v.loadReloads),
        guestSummary(v.guest),
      ]),
    ),
    ...r.vcpus
      .filter((v) => v.host.swaps.loads > 0 || v.host.pmuOwner === 'guest')
      .map((v) => {
        const s = v.host.swaps;
        return `vCPU ${v.vm}/${v.id} partitioned: MDCR_EL2 ${v.host.mdcrEl2} at its last load, PMU owner ${v.host.pmuOwner}, ${s.loads} context loads (${s.registersLoaded} registers written), ${s.puts} puts (${s.registersPut} read back)`;
      }),
  ];
  if (r.vmm.length > 0) {
    out.push(
      '',
      formatTable(
        ['VMM thread', 'ioctls', 'results'],
        r.vmm.map((t) => [t.name, String(t.ioctls), Object.entries(t.results).map(([k, n]) => `${k} ${n}`).join(', ')]),
      ),
    );
  }
  const crashes = r.vcpus.filter((v) => v.crashRecord);
  if (crashes.length > 0) {
    out.push('', 'guest deaths:');
    for (const v of crashes) {
      const c = v.crashRecord!;
      out.push(
        `  vCPU ${v.vm}/${v.id} on cpu ${c.cpu}, quantum ${c.quantum}, register ${c.register ?? '-'}, counter's PMU ${c.sourcePmu ?? '-'} → CPU's PMU ${c.targetPmu ?? '-'}: ${c.message}`,
      );
    }
  }
  const inv = r.invariants;
  out.push(
    '',
    `§8 item 4 (guest entry outside supported_cpus): ${inv.item4GuestEntryOutsideSupportedCpus}; ` +
      `§8 item 13 (SET_NR_COUNTERS after the VM ran): ${inv.item13NrCountersChangedAfterRun}`,
  );
  out.push('', ...formatSync(r));
  if (r.failure) {
    out.push('', `FAILED (${r.failure.kind}): ${r.failure.message}`, ...(r.failure.locks ?? []).map((l) => `  ${l}`));
    if (r.failure.trace?.length) out.push('flight recorder (last events, all threads, in order):', ...r.failure.trace.map((l) => `  ${l}`));
  }
  return out.join('\n');
}

/**
 * A lock_stat table: per class, acquisitions, contentions, wait and hold times (`unit`'s ns):
 * totals and maxima, and p50/p99 from the log2 histograms (a bucket's geometric middle,
 * within √2 of the true value: lock-stat.ts `histogramPercentile`).
 */
export function formatLockStat(rows: readonly LockStatRow[], unit: 'ns' | 'virtual ns'): string[] {
  const t = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${Math.round(ns)} ns`);
  const pct = (counts: readonly number[], q: number, max: number) => t(histogramPercentile(counts, q, max));
  return [
    `lock_stat (${unit === 'ns' ? 'real time; holds timed one in eight' : 'virtual time'}; p50/p99 within a factor √2; rcu: read-side sections, grace periods waited):`,
    formatTable(
      ['class', 'acquisitions', 'contentions', 'wait total', 'wait p50', 'wait p99', 'wait max', 'hold avg', 'hold p50', 'hold p99', 'hold max'],
      rows.map((c) => {
        const wait = c.contentions > 0 && c.waitHistogram.length > 0;
        const hold = c.holdSamples > 0;
        return [
          c.class,
          String(c.acquisitions),
          String(c.contentions),
          wait ? t(c.waitTotal) : '-',
          wait ? pct(c.waitHistogram, 0.5, c.waitMax) : '-',
          wait ? pct(c.waitHistogram, 0.99, c.waitMax) : '-',
          wait ? t(c.waitMax) : '-',
          hold ? t(c.holdTotal / c.holdSamples) : '-',
          hold ? pct(c.holdHistogram, 0.5, c.holdMax) : '-',
          hold ? pct(c.holdHistogram, 0.99, c.holdMax) : '-',
          hold ? t(c.holdMax) : '-',
        ];
      }),
    ),
  ];
}

/** lock_stat per class, then lockdep's dependencies in one line and any cycle in full. */
function formatSync(r: RunReport): string[] {
  const g = LockdepGraph.fromJSON(r.lockdep);
  const edges = g.edges().map((e) => `${e.from} → ${e.to}`);
  return [
    ...formatLockStat(r.lockStat, r.lockStatUnit),
    ...(r.lockStatMissing.length > 0 ? [`  (without ${r.lockStatMissing.join(', ')}: terminated before reporting its figures)`] : []),
    `lockdep: ${edges.length > 0 ? edges.join(', ') : 'no nested locking'}`,
    ...g.cycles().flatMap(formatCycle),
  ];
}
