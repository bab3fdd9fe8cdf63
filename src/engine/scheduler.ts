/**
 * Scheduler policies: where a vCPU runs its next quantum. Pure functions of the vCPU's own
 * history (its last CPU, its quantum count, its PRNG state), so the sequence of CPUs a vCPU
 * visits does not depend on which worker happened to run it.
 */
import { unknownName } from '../host/errors.js';
import type { Topology } from '../host/topology.js';

export type PolicyKind = 'pinned' | 'round-robin' | 'random' | 'ping-pong';
export const policyKinds: readonly PolicyKind[] = Object.freeze(['pinned', 'round-robin', 'random', 'ping-pong']);

export interface Policy {
  readonly kind: PolicyKind;
  /** Seed of the 'random' policy (each vCPU's stream is seed-derived). */
  readonly seed: number;
}

export function resolvePolicy(kind: string, seed: number): Policy {
  if (!policyKinds.includes(kind as PolicyKind)) throw unknownName('scheduler policy', kind, policyKinds, 'scheduler policies');
  return { kind: kind as PolicyKind, seed };
}

/** xorshift32: a small seeded PRNG whose whole state is one Int32 word in shared memory. */
export function xorshift32(state: number): number {
  let x = state | 0 || 0x9e3779b9 | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x | 0;
}

/** The PRNG seed of vCPU `v`'s stream. */
export function rngSeed(policy: Policy, v: number): number {
  return xorshift32((policy.seed * 0x9e3779b1 + v * 0x85ebca6b) | 0);
}

/** A topology's CPU groups and each CPU's group, worked out once: topologies are immutable. */
interface Groups {
  readonly groups: readonly (readonly number[])[];
  readonly clusterOf: readonly number[];
}
const groupsByTopology = new WeakMap<Topology, Groups>();

function groupsOf(t: Topology): Groups {
  let g = groupsByTopology.get(t);
  if (!g) {
    const groups = computePmuGroups(t);
    const of = new Array<number>(t.cpus).fill(-1);
    groups.forEach((cpus, i) => cpus.forEach((c) => (of[c] = i)));
    g = Object.freeze({ groups: Object.freeze(groups.map((cpus) => Object.freeze(cpus))), clusterOf: Object.freeze(of) });
    groupsByTopology.set(t, g);
  }
  return g;
}

function computePmuGroups(t: Topology): number[][] {
  const groups = t.pmus.filter((p) => p.kind === 'cpu').map((p) => [...p.cpus]);
  const covered = new Set(groups.flat());
  const rest = Array.from({ length: t.cpus }, (_, c) => c).filter((c) => !covered.has(c));
  return rest.length > 0 ? [...groups, rest] : groups;
}

/**
 * CPUs grouped by the CPU PMU that covers them (uncovered CPUs form one more group). Cached
 * per topology (a ping-pong placement asks at every quantum), hence frozen.
 */
export function pmuGroups(t: Topology): readonly (readonly number[])[] {
  return groupsOf(t).groups;
}

/** For each CPU, the index of its group in `pmuGroups` (cached and frozen likewise). */
export function clusterOf(t: Topology): readonly number[] {
  return groupsOf(t).clusterOf;
}

export interface Placement {
  /** The CPU of the quantum that just ended. */
  current: number;
  /** Quanta the vCPU has completed. */
  quanta: number;
  /** PRNG state (random policy); the caller stores the returned `rng`. */
  rng: number;
}

export function nextCpu(policy: Policy, t: Topology, p: Placement): { cpu: number; rng: number } {
  switch (policy.kind) {
    case 'pinned':
      return { cpu: p.current, rng: p.rng };
    case 'round-robin':
      return { cpu: (p.current + 1) % t.cpus, rng: p.rng };
    case 'random': {
      const rng = xorshift32(p.rng);
      return { cpu: (rng >>> 0) % t.cpus, rng };
    }
    case 'ping-pong': {
      // Always a CPU of another PMU: the adversarial case for the per-load reload check.
      const groups = pmuGroups(t);
      const g = groups.findIndex((cpus) => cpus.includes(p.current));
      const to = groups[(g + 1) % groups.length]!;
      return { cpu: to[Math.floor(p.quanta / groups.length) % to.length]!, rng: p.rng };
    }
  }
}
