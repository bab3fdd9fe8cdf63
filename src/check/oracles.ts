/**
 * The model oracles (spec §8): invariants the kernel model checks where the state they
 * are about changes, in every driver (direct, sim, hw). Each is named and switchable; a
 * violated one throws `OracleViolation`, which ends the thread like any engine failure and
 * reaches the verdict with its oracle's name (verdict.ts `oracleOfError`). The checks
 * themselves live beside this table: pmu-oracles.ts (PMU semantics),
 * config-oracles.ts (configuration) and partition-oracles.ts (the partitioned PMU, spec §6).
 *
 * An oracle whose invariant a profile documents as a kernel hole (mainline's stale events
 * after reset, §8 item 10; the counter count not frozen, item 13) does not apply under that
 * profile: the planted bug is the hole re-opened in a kernel that claims to close it.
 */
import { unknownName } from '../host/errors.js';
import { SYNC_ORACLES } from './sync-oracles.js';

export const MODEL_ORACLES = Object.freeze({
  'arm-pmu-chosen': '§8 item 3: after the first PMU INIT arm_pmu is set, and only a SET_PMU before the first run changes it',
  'guest-entry-outside-supported-cpus': '§8 item 4: the guest never enters on a CPU outside supported_cpus',
  'config-frozen-after-run': '§8 items 5, 13: FILTER, SET_PMU and (when the profile freezes it) the counter count never change after the VM ran',
  'user-read-equals-guest-read': '§8 item 6: a userspace read of a counter is what the guest would read',
  'user-write-read-back': '§8 item 8: after SET_ONE_REG of a counter its value is exactly the value written',
  'event-for-unimplemented-counter': '§8 item 9: no perf event is created for a counter at or above N',
  'value-after-reset': '§8 items 10, 24: right after a vCPU reset every counter reads its reset value (profiles that recreate events at reset) and the bitmaps have no bit at or above N (profiles that serialise the reset)',
  'nr-counters-kept-at-reset': '§8 item 11: N never exceeds the PMU\'s counters and a vCPU reset keeps it',
  'unimplemented-bits-read-as-zero': '§8 item 12: bits at and above N (but 31) of PMCNTEN/PMINTEN/PMOVS never read as 1, by the guest or userspace',
  'overflow-exactly-once': '§8 item 20: PMOVS is set exactly when a counter wraps at its configured width (32 or 64 bits), on the emulated path and a partitioned context\'s direct one',
  'fixed-excludes-filter': '§8 item 25: FIXED_COUNTERS_ONLY never coexists with a FILTER or an explicit SET_PMU (when the profile makes them exclusive)',
  'fixed-cycles-counted': '§8 item 26: in FIXED mode every cycle the guest executes with the cycle counter enabled is counted, on every CPU it migrates to',
  'cycle-counter-on-current-pmu': '§8 item 26: at every guest entry in FIXED mode the cycle counter\'s event belongs to a PMU covering the current CPU',
  'init-failure-leaves-vm-unchanged': '§8 item 27: a failed first KVM_ARM_VCPU_INIT leaves the VM\'s features as they were (profiles with the fix)',
  'guest-context-survives-swap': '§6.4: a partitioned context goes into hardware only untrapped, with HPMN = the VM\'s counters, holding exactly what the last put read back — guest values survive any number of load/put pairs',
  'host-events-outside-guest-range': '§6.1: while a partitioned context is loaded no host event occupies a counter of its guest range',
  'overflow-kept-across-put': '§6.6: every guest-range overflow flag in hardware at vcpu_put reaches PMOVSSET',
  'partition-cycles-counted': '§6.1: while a partitioned context is loaded every cycle the guest executes with PMCR_EL0.E and the cycle counter enabled is counted on the CPU\'s cycle counter',
});
export type ModelOracleName = keyof typeof MODEL_ORACLES;
export const modelOracleNames = Object.freeze(Object.keys(MODEL_ORACLES)) as readonly ModelOracleName[];

/**
 * Every oracle `--no-oracle` can switch off: the model oracles, the synchronisation oracles
 * (sync-oracles.ts, switched in each thread by `setSyncOraclesOff`) and lockdep's lock order.
 */
export const switchableOracleNames: readonly string[] = Object.freeze([...modelOracleNames, ...Object.keys(SYNC_ORACLES), 'lock-order']);

/** Validates oracle names for `--no-oracle` (unknown → an error listing the valid ones). */
export function checkOracleNames(off: readonly string[]): readonly string[] {
  for (const n of off) if (!switchableOracleNames.includes(n)) throw unknownName('oracle', n, switchableOracleNames);
  return Object.freeze([...off]);
}

/** Which model oracles are on: all, unless a run switches some off (`--no-oracle NAME`). */
export type OracleChecks = Readonly<Record<ModelOracleName, boolean>>;

export const ALL_CHECKS: OracleChecks = oracleChecks([]);
export const NO_CHECKS: OracleChecks = Object.freeze(Object.fromEntries(modelOracleNames.map((n) => [n, false])) as Record<ModelOracleName, boolean>);

/** Every model oracle on but those named (unknown names: an error listing the valid ones). */
export function oracleChecks(off: readonly string[]): OracleChecks {
  checkOracleNames(off);
  return Object.freeze(Object.fromEntries(modelOracleNames.map((n) => [n, !off.includes(n)])) as Record<ModelOracleName, boolean>);
}

/**
 * A model invariant broke: the thread that saw it stops here (torture-test style). The
 * message does not repeat the oracle's name: every report prints it beside the message.
 */
export class OracleViolation extends Error {
  override name = 'OracleViolation';
  constructor(
    readonly oracle: ModelOracleName,
    message: string,
  ) {
    super(message);
  }
}

export function violated(oracle: ModelOracleName, message: string): never {
  throw new OracleViolation(oracle, message);
}
