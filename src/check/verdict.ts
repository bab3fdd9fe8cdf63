/**
 * The torture-style verdict of a run or an execution (`run` and `explore` alike): SUCCESS,
 * or FAILURE naming the oracle that fired first by severity — an engine failure (a model
 * oracle of oracles.ts that threw is one, with its own name), a deadlock, a guest that
 * died. One table of oracles for both drivers (the sim driver also looks at the guest
 * deaths while an execution runs, to end it early: execution.ts `quickFailure`).
 */
import type { RunReport } from '../engine/report.js';
import { MODEL_ORACLES } from './oracles.js';
import { SYNC_ORACLES } from './sync-oracles.js';

export const ORACLES = Object.freeze({
  'rcu-reclaimed-read': 'an arm_pmus reader read a snapshot reclaimed under it (§8 item 18: a reader outside its grace period)',
  'lock-order': 'lockdep: an acquisition closes a cycle of lock classes — against the order of spec §5.1 or one observed before — or nests a class in itself',
  'engine-failure': 'a thread of the engine failed (an exception that is not a guest death)',
  deadlock: 'no thread can make progress: the wait-for cycle is printed',
  watchdog: 'a thread or the whole run made no progress for watchdogMs (hw)',
  'hang-at-stop': 'a thread did not finish after the run stopped',
  'guest-undef': 'a guest took an UNDEF it did not expect: a counter it programmed vanished under it (§8 item 13)',
  'guest-crash': "a guest's own fatal error, e.g. the Windows-like division by a zero cycle delta",
  'counter-monotonic': 'a guest saw a counter go backwards without its overflow flag (perf-stat counts these: its report\'s violations)',
  ...MODEL_ORACLES,
  ...SYNC_ORACLES,
});
export type OracleName = keyof typeof ORACLES;
export const oracleNames = Object.freeze(Object.keys(ORACLES)) as readonly OracleName[];

/** The oracle an exception escaping an engine thread belongs to. */
export function oracleOfError(e: unknown): OracleName {
  const name = e instanceof Error ? e.name : '';
  if (name === 'RcuViolation') return 'rcu-reclaimed-read';
  if (name === 'LockOrderError') return 'lock-order';
  // By name and field, not instanceof: a worker's error reaches the coordinator as a clone.
  if (name === 'OracleViolation') {
    const oracle = (e as { oracle?: unknown }).oracle;
    if (typeof oracle === 'string' && Object.hasOwn(ORACLES, oracle)) return oracle as OracleName;
  }
  return 'engine-failure';
}

export interface Finding {
  readonly oracle: OracleName;
  readonly reason: string;
}

export interface Verdict {
  readonly verdict: 'SUCCESS' | 'FAILURE';
  /** The first finding (most severe); absent on SUCCESS. */
  readonly oracle?: OracleName;
  readonly reason?: string;
  readonly findings: readonly Finding[];
}

const FAILURE_ORACLE: Readonly<Record<NonNullable<RunReport['failure']>['kind'], OracleName>> = {
  'worker-crash': 'engine-failure',
  'worker-exit': 'engine-failure',
  watchdog: 'watchdog',
  'hang-at-stop': 'hang-at-stop',
  deadlock: 'deadlock',
};

export function verdictOf(r: RunReport): Verdict {
  const findings: Finding[] = [];
  if (r.failure) findings.push({ oracle: r.failure.oracle ?? FAILURE_ORACLE[r.failure.kind], reason: r.failure.message });
  for (const v of r.vcpus) {
    if (!v.crash) continue;
    const c = v.crashRecord;
    const where = c ? ` on cpu ${c.cpu}, quantum ${c.quantum}${c.register ? `, ${c.register}` : ''}, counter's PMU ${c.sourcePmu ?? '-'}, CPU's PMU ${c.targetPmu ?? '-'}` : '';
    findings.push({
      oracle: v.crash === 'undef' ? 'guest-undef' : 'guest-crash',
      reason: `vCPU ${v.vm}/${v.id} (${v.workload}) died${where}${c?.message ? `: ${c.message}` : ''}`,
    });
  }
  for (const v of r.vcpus) {
    const backwards = v.guest.violations;
    if (typeof backwards === 'number' && backwards > 0) {
      findings.push({ oracle: 'counter-monotonic', reason: `vCPU ${v.vm}/${v.id} (${v.workload}) saw a counter go backwards without its overflow flag ${backwards} time(s)` });
    }
  }
  if (findings.length === 0) return { verdict: 'SUCCESS', findings };
  return { verdict: 'FAILURE', oracle: findings[0]!.oracle, reason: findings[0]!.reason, findings };
}

/** The verdict line both commands end with; an interrupted run says its verdict is partial. */
export function formatVerdict(v: Verdict, interrupted = false): string {
  if (v.verdict === 'SUCCESS') return interrupted ? 'SUCCESS (interrupted: of the part that ran)' : 'SUCCESS';
  const more = v.findings.length > 1 ? ` (and ${v.findings.length - 1} more finding${v.findings.length > 2 ? 's' : ''}: ${[...new Set(v.findings.slice(1).map((f) => f.oracle))].join(', ')})` : '';
  return `FAILURE: ${v.oracle} — ${v.reason}${more}`;
}
