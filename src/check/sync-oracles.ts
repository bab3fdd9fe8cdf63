/**
 * The synchronisation oracles (issue 7, "Synchronisation"): what locktorture, rcutorture
 * and the kernel's lockdep / lockdep-RCU check, asserted where the sync layer performs a
 * step (src/sync) and where the `arm_pmus` list is read (host/pmu-list.ts), in every driver.
 * Like the model oracles they can be switched off (`--no-oracle NAME`; `syncOraclesOff`,
 * set by each thread's world): a check switched off lets the step go on, so what follows —
 * a deadlock, a reclaimed read — is what the run then reports. The lock-order cycle itself keeps its
 * historical name and error (`lock-order`, sync/lock.ts `LockOrderError`), now reported by
 * lockdep (check/lockdep-validator.ts).
 */

export const SYNC_ORACLES = Object.freeze({
  'lock-exclusive-holder': "locktorture: whoever acquires a lock finds no other holder in its owner word",
  'lockdep-assert-held': "lockdep_assert_held: a function the kernel annotates as called under a lock runs with that lock held by the calling thread",
  'rcu-pipeline-age': 'rcutorture pipeline: no arm_pmus reader sees a snapshot that a whole grace period has passed since its removal',
  'rcu-dereference-outside-reader': 'lockdep-RCU: the published arm_pmus snapshot is dereferenced only inside a read-side section or under arm_pmus_lock',
  'rcu-blocking-in-reader': 'lockdep-RCU: a thread inside an RCU read-side section never waits (a held lock, a park, a grace period)',
  'rcu-synchronize-under-reader-lock': 'lockdep-RCU: no synchronize_rcu while holding a lock that a reader takes inside its read-side section (a cycle through the RCU class, possibly across runs)',
});
export type SyncOracleName = keyof typeof SYNC_ORACLES;

/** The synchronisation oracles switched off in this thread (its world sets them). */
let off: ReadonlySet<string> = new Set();

export function setSyncOraclesOff(names: readonly string[]): void {
  off = new Set(names);
}

/** Whether oracle `name` (a synchronisation oracle, or `lock-order`) is on in this thread. */
export function syncOracleOn(name: SyncOracleName | 'lock-order'): boolean {
  return !off.has(name);
}

/** A synchronisation rule broke: throws its violation unless the oracle is switched off. */
export function syncViolated(oracle: SyncOracleName, message: string): void {
  if (!off.has(oracle)) throw new SyncViolation(oracle, message);
}

/**
 * A synchronisation rule broke: the thread that saw it stops here. Named `OracleViolation`
 * with an `oracle` field, like a model oracle's error (check/oracles.ts), so the verdict maps
 * it by name and field — which survives the structured clone a worker's error goes through.
 */
export class SyncViolation extends Error {
  override name = 'OracleViolation';
  constructor(
    readonly oracle: SyncOracleName,
    message: string,
  ) {
    super(message);
  }
}
