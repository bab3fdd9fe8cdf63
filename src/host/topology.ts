/**
 * Host topologies (spec §1.1, hosts-and-clients §3): the user-facing `TopologySpec` and its
 * validation into a resolved, immutable `Topology`. Validation names the exact bad field.
 */
import { PMUVER } from '../arch/pmuver.js';
import { MAX_CPUS } from './cpumask.js';
import { MAX_HOST_PMUS } from './pmu-list.js';
import { badField } from './errors.js';
import { checkKnownKeys, checkObject, isInt } from './validate.js';
import { defaultEventsFor } from './events.js';

export interface PmuSpec {
  /** perf name under /sys/bus/event_source/devices, e.g. "armv8_cortex_a55". */
  name: string;
  /** CPUs this PMU drives (`supported_cpus`); empty/absent for non-CPU PMUs. */
  cpus?: number[];
  /** Programmable event counters (PMCR_EL0.N of the hardware). */
  counters?: number;
  /** ID_AA64DFR0_EL1.PMUVer of these cores (1, 4, 5, 6, 7 or 0xF = IMPDEF). */
  pmuver?: number;
  /** Implemented common events (0x00..0x3F, 0x4000..0x403F): the PMCEID bitmaps. */
  events?: number[];
  /** perf type id; assigned in list order when absent. */
  type?: number;
  /** 'cpu' (default) or 'uncore' (DSU, SPE, …: no `cpus` file, never in arm_pmus). */
  kind?: 'cpu' | 'uncore';
  /** Non-PMUv3 hardware: `map_pmuv3_event` only maps the listed `events` (Apple M1/M2). */
  mapsEvents?: boolean;
  /** Not registered at boot: its CPUs come online later (a `hotplug-pmu` step registers it). */
  hotplug?: boolean;
}

export interface TopologySpec {
  name: string;
  pmus: PmuSpec[];
  /** Physical CPUs; default = highest CPU id of any PMU + 1. */
  cpus?: number;
  description?: string;
  /** Apple "IMPDEF PMUv3 traps" erratum workaround present (spec §1.2, §1.4). */
  appleImpdefTraps?: boolean;
  /** The host supports AArch32 at EL0 (else PMCR_EL0.LC is forced, spec §4.1). */
  aarch32El0?: boolean;
  /** First dynamic perf type id (≥ 6); default 8. */
  typeBase?: number;
  /** CPU features the partitioned PMU depends on (spec §6.1, §6.2); defaults in `HostFeatures`. */
  features?: { vhe?: boolean; fgt?: boolean; hpmn0?: boolean };
}

/** Host CPU features for the partitioned PMU (spec §6.1, §6.2). */
export interface HostFeatures {
  /** VHE: the host kernel runs at EL2 (partitioning needs it; default true). */
  readonly vhe: boolean;
  /** FEAT_FGT: fine-grained traps, so PMU registers can be untrapped selectively (default true). */
  readonly fgt: boolean;
  /** FEAT_HPMN0: MDCR_EL2.HPMN may be 0 (default false). */
  readonly hpmn0: boolean;
}

export interface PmuDesc {
  readonly name: string;
  readonly type: number;
  readonly kind: 'cpu' | 'uncore';
  readonly cpus: readonly number[];
  readonly counters: number;
  readonly pmuver: number;
  readonly events: readonly number[];
  readonly mapsEvents: boolean;
  readonly hotplug: boolean;
}

export interface Topology {
  readonly name: string;
  readonly description: string;
  readonly cpus: number;
  readonly pmus: readonly PmuDesc[];
  readonly appleImpdefTraps: boolean;
  readonly aarch32El0: boolean;
  readonly features: HostFeatures;
}

const VALID_PMUVER = [PMUVER.IMP, PMUVER.V3P1, PMUVER.V3P4, PMUVER.V3P5, PMUVER.V3P7, PMUVER.IMP_DEF];

const PMU_KEYS = ['name', 'cpus', 'counters', 'pmuver', 'events', 'type', 'kind', 'mapsEvents', 'hotplug'] as const;
const TOPOLOGY_KEYS = ['name', 'pmus', 'cpus', 'description', 'appleImpdefTraps', 'aarch32El0', 'typeBase', 'features'] as const;
const FEATURE_DEFAULTS: HostFeatures = Object.freeze({ vhe: true, fgt: true, hpmn0: false });

function resolveFeatures(path: string, raw: unknown): HostFeatures {
  if (raw === undefined) return FEATURE_DEFAULTS;
  const o = checkObject(path, raw);
  checkKnownKeys(path, o, Object.keys(FEATURE_DEFAULTS));
  for (const k of Object.keys(o)) if (typeof o[k] !== 'boolean') throw badField(`${path}.${k}`, 'a boolean', o[k]);
  return Object.freeze({ ...FEATURE_DEFAULTS, ...(o as Partial<HostFeatures>) });
}

function resolvePmu(path: string, raw: unknown, defaultType: number): PmuDesc {
  const o = checkObject(path, raw);
  checkKnownKeys(path, o, PMU_KEYS);
  if (typeof o.name !== 'string' || o.name === '') throw badField(`${path}.name`, 'a non-empty string', o.name);
  const kind = o.kind ?? 'cpu';
  if (kind !== 'cpu' && kind !== 'uncore') throw badField(`${path}.kind`, "'cpu' or 'uncore'", o.kind);
  const cpus = o.cpus ?? [];
  if (!Array.isArray(cpus)) throw badField(`${path}.cpus`, 'an array of CPU ids', cpus);
  cpus.forEach((c, i) => {
    if (!isInt(c) || c < 0 || c >= MAX_CPUS) throw badField(`${path}.cpus[${i}]`, `a CPU id 0..${MAX_CPUS - 1}`, c);
  });
  if (new Set(cpus).size !== cpus.length) throw badField(`${path}.cpus`, 'distinct CPU ids', cpus);
  if (kind === 'cpu' && cpus.length === 0) throw badField(`${path}.cpus`, 'at least one CPU for a CPU PMU', cpus);
  if (kind === 'uncore' && cpus.length > 0) throw badField(`${path}.cpus`, 'no CPUs for an uncore PMU', cpus);
  const counters = o.counters ?? (kind === 'cpu' ? 6 : 0);
  if (!isInt(counters) || counters < 0 || counters > 31) throw badField(`${path}.counters`, 'an integer 0..31', counters);
  const pmuver = o.pmuver ?? PMUVER.V3P1;
  if (!isInt(pmuver) || !VALID_PMUVER.includes(pmuver as never)) {
    throw badField(`${path}.pmuver`, `one of ${VALID_PMUVER.join(', ')} (0xF = IMPDEF)`, pmuver);
  }
  const events = o.events ?? defaultEventsFor(pmuver);
  if (!Array.isArray(events)) throw badField(`${path}.events`, 'an array of event numbers', events);
  events.forEach((e, i) => {
    const ok = isInt(e) && ((e >= 0 && e <= 0x3f) || (e >= 0x4000 && e <= 0x403f));
    if (!ok) throw badField(`${path}.events[${i}]`, 'a common event number 0x00..0x3F or 0x4000..0x403F', e);
  });
  const type = o.type ?? defaultType;
  if (!isInt(type) || type < 6) throw badField(`${path}.type`, 'a perf type id ≥ 6 (dynamic PMU types)', type);
  for (const k of ['mapsEvents', 'hotplug'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw badField(`${path}.${k}`, 'a boolean', o[k]);
  }
  return Object.freeze({
    name: o.name,
    type,
    kind,
    cpus: Object.freeze([...(cpus as number[])].sort((a, b) => a - b)),
    counters,
    pmuver,
    events: Object.freeze([...(events as number[])]),
    mapsEvents: (o.mapsEvents as boolean | undefined) ?? false,
    hotplug: (o.hotplug as boolean | undefined) ?? false,
  });
}

/** The CPU PMU that drives `cpu`, if any. */
export function cpuPmuOf(t: Topology, cpu: number): PmuDesc | undefined {
  return t.pmus.find((p) => p.kind === 'cpu' && p.cpus.includes(cpu));
}

/** Validates a topology object; throws `VpmuLabError` naming the first bad field. */
export function resolveTopology(raw: unknown, path = 'topology'): Topology {
  const o = checkObject(path, raw);
  checkKnownKeys(path, o, TOPOLOGY_KEYS);
  if (typeof o.name !== 'string' || o.name === '') throw badField(`${path}.name`, 'a non-empty string', o.name);
  if (!Array.isArray(o.pmus)) throw badField(`${path}.pmus`, 'an array of PMUs', o.pmus);
  const typeBase = o.typeBase ?? 8;
  if (!isInt(typeBase) || typeBase < 6) throw badField(`${path}.typeBase`, 'an integer ≥ 6', typeBase);
  const pmus = o.pmus.map((p, i) => resolvePmu(`${path}.pmus[${i}]`, p, typeBase + i));
  const cpuPmus = pmus.filter((p) => p.kind === 'cpu').length;
  if (cpuPmus > MAX_HOST_PMUS) {
    throw badField(`${path}.pmus`, `at most ${MAX_HOST_PMUS} CPU PMUs (the arm_pmus list size)`, `${cpuPmus} CPU PMUs`);
  }
  const names = new Set<string>();
  const types = new Set<number>();
  pmus.forEach((p, i) => {
    if (names.has(p.name)) throw badField(`${path}.pmus[${i}].name`, 'a name not used by another PMU', p.name);
    if (types.has(p.type)) throw badField(`${path}.pmus[${i}].type`, 'a type id not used by another PMU', p.type);
    names.add(p.name);
    types.add(p.type);
  });
  const highest = Math.max(-1, ...pmus.flatMap((p) => p.cpus));
  const cpus = o.cpus ?? highest + 1;
  if (!isInt(cpus) || cpus < 1 || cpus > MAX_CPUS || cpus <= highest) {
    throw badField(`${path}.cpus`, `a CPU count 1..${MAX_CPUS} above every PMU's CPU ids (> ${highest})`, cpus);
  }
  pmus.forEach((p, i) =>
    pmus.slice(0, i).forEach((q, j) => {
      if (p.kind === 'cpu' && q.kind === 'cpu' && p.cpus.some((c) => q.cpus.includes(c))) {
        throw badField(`${path}.pmus[${i}].cpus`, `CPUs not already driven by pmus[${j}] (${q.name})`, p.cpus);
      }
    }),
  );
  for (const k of ['appleImpdefTraps', 'aarch32El0'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw badField(`${path}.${k}`, 'a boolean', o[k]);
  }
  if (o.description !== undefined && typeof o.description !== 'string') {
    throw badField(`${path}.description`, 'a string', o.description);
  }
  return Object.freeze({
    name: o.name,
    description: (o.description as string | undefined) ?? '',
    cpus,
    pmus: Object.freeze(pmus),
    appleImpdefTraps: (o.appleImpdefTraps as boolean | undefined) ?? false,
    aarch32El0: (o.aarch32El0 as boolean | undefined) ?? true,
    features: resolveFeatures(`${path}.features`, o.features),
  });
}
