/**
 * Locking designs, as data (DESIGN principle 4): each is a named set of profile switches
 * that `vpmu-lab compare` applies on top of a scenario's profile, one design at a time, so
 * two designs of a comparison differ only in what the design names. The switches
 * themselves (kvm/profile.ts) say what each value does in the model; here are the choices
 * users came to compare, with where each comes from.
 */
import { unknownName, VpmuLabError } from '../host/errors.js';
import type { Attr5, ProfileSwitches } from './profile.js';

export type DesignAxis = 'arm_pmus' | 'per-load check' | 'partition swap' | 'config_lock';

export interface Design {
  readonly name: string;
  readonly axis: DesignAxis;
  readonly summary: string;
  /** The profile switches the design sets. */
  readonly switches: Partial<ProfileSwitches>;
  /** The attribute-5 meaning (profile) a scenario needs for the design to change anything; absent: every profile. */
  readonly needs?: Attr5;
}

const design = (name: string, axis: DesignAxis, summary: string, switches: Partial<ProfileSwitches>, needs?: Attr5): Design =>
  Object.freeze({ name, axis, summary, switches: Object.freeze(switches), ...(needs ? { needs } : {}) });

export const designs: readonly Design[] = Object.freeze([
  design('mutex', 'arm_pmus', 'arm_pmus_lock (a futex mutex) around every walk of the host-PMU list (mainline)', { pmuListDesign: 'mutex' }),
  design('rcu', 'arm_pmus', 'RCU, QSBR read side: rcu_read_lock writes nothing shared; the writer waits for quiescent states (FIXED series)', {
    pmuListDesign: 'rcu',
  }),
  design('rcu-memb', 'arm_pmus', "RCU, memb-style read side: each reader's counter word written at the outermost lock and unlock; the writer waits on the words", {
    pmuListDesign: 'rcu-memb',
  }),
  design('check-probe', 'per-load check', "v8's per-load check: probe arm_pmus for the CPU left and the CPU landed on (two walks under the read side)", { loadCheck: 'probe' }, 'fixed-counters-only'),
  design('check-every-counter', 'per-load check', "per-load check over every enabled counter: its perf event's PMU must cover the CPU (no arm_pmus walk)", { loadCheck: 'every-counter' }, 'fixed-counters-only'),
  design('check-cycle-only', 'per-load check', "per-load check of the cycle counter only, as Marc Zyngier asked in review (v4–v7): its event's PMU must cover the CPU", { loadCheck: 'cycle-only' }, 'fixed-counters-only'),
  design('check-none', 'per-load check', 'no per-load check: a migrated vCPU keeps its cycle counter on the old cluster (the hole the series closes)', { loadCheck: 'none' }, 'fixed-counters-only'),
  design('swap-eager', 'partition swap', 'partitioned PMU: swap the guest context in at every vcpu_load (spec §6.4)', { partitionSwap: 'eager' }, 'enable-partition'),
  design('swap-lazy', 'partition swap', 'partitioned PMU: swap only once the guest has touched its PMU, sticky owner (v6 13/19, spec §6.5)', { partitionSwap: 'lazy' }, 'enable-partition'),
  design('config-mutex', 'config_lock', "kvm->arch.config_lock as the kernel's sleeping mutex (futex: spin briefly, then sleep)", { configLock: 'mutex' }),
  design('config-spinlock', 'config_lock', 'kvm->arch.config_lock as a spinlock: waiters never sleep', { configLock: 'spinlock' }),
]);

export const designNames: readonly string[] = Object.freeze(designs.map((d) => d.name));

/** A design's switches as `name=value` words, e.g. "loadCheck=cycle-only". */
export function formatSwitches(d: Design): string {
  return Object.entries(d.switches)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function designOf(name: string): Design {
  const d = designs.find((x) => x.name === name);
  if (!d) throw unknownName('design', name, designNames);
  return d;
}

/** Refuses a design that would change nothing under `profileName` (its attr5), saying where it applies. */
export function checkDesignApplies(d: Design, scenario: string, profileName: string, attr5: Attr5): void {
  if (!d.needs || d.needs === attr5) return;
  throw new VpmuLabError(
    `design ${d.name} (${d.axis}) does not apply to scenario ${scenario}: it needs a profile whose attribute 5 is ${d.needs}, and ${profileName}'s is ${attr5} — pick a scenario with that profile (${d.needs === 'enable-partition' ? 'e.g. partition-pingpong' : 'e.g. fixed-pingpong or pmu-list-race'})`,
  );
}
