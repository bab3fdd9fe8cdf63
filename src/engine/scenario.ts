/**
 * Scenarios for `vpmu-lab run`: the user-facing JSON shape, and its validation into a
 * `Scenario` (plain data a worker can receive). Every error names the field path.
 */
import { badField, VpmuLabError } from '../host/errors.js';
import { pmuListDesigns, type PmuListDesign } from '../host/pmu-list.js';
import { presetNames, presets } from '../host/presets.js';
import { resolveTopology, type Topology, type TopologySpec } from '../host/topology.js';
import { checkArray, checkKnownKeys, checkObject, intField, isInt, oneOf } from '../host/validate.js';
import { workloadNames } from '../guest/index.js';
import { pmuAttrName } from '../arch/uapi.js';
import { oneRegNames } from '../arch/registers.js';
import { plantedBugs } from '../check/bugs.js';
import { checkOracleNames, oracleChecks, type OracleChecks } from '../check/oracles.js';
import { resolveProfile, type Profile, type ProfileSwitches } from '../kvm/profile.js';
import { policyKinds, type PolicyKind } from './scheduler.js';
import { MAX_RCU_THREADS } from '../sync/rcu.js';

export type VmConfig = 'default-pmu' | 'set-pmu' | 'fixed-counters-only' | 'partition' | 'none';
export type VcpuSetup = 'full' | 'vcpu-init' | 'none' | 'uncreated';
const vmConfigs: readonly VmConfig[] = ['default-pmu', 'set-pmu', 'fixed-counters-only', 'partition', 'none'];
const vcpuSetups: readonly VcpuSetup[] = ['full', 'vcpu-init', 'none', 'uncreated'];

export interface VcpuPlan {
  readonly workload: string;
  readonly cycles: number;
  readonly accesses: number;
  /** First pCPU. */
  readonly start: number;
  readonly setup: VcpuSetup;
}

export interface VmPlan {
  readonly irqchip: boolean;
  readonly config: VmConfig;
  /** set-pmu: the host PMU's name (default: the PMU of initCpu). */
  readonly pmu: string | undefined;
  /** The pCPU the VMM's main thread runs on for the set-up INITs (spec §1.3). */
  readonly initCpu: number;
  /** Initialise the vGIC at set-up (false: a VMM thread's `vgic-init` step does it). */
  readonly vgicInit: boolean;
  readonly vcpus: readonly VcpuPlan[];
}

export type FilterValue = { baseEvent: number; nevents: number; action: number };
export type VmmStep =
  | { readonly op: 'set-attr'; readonly vcpu: number; readonly attr: number; readonly value?: number | FilterValue }
  | { readonly op: 'get-attr' | 'has-attr'; readonly vcpu: number; readonly attr: number }
  | { readonly op: 'vcpu-init'; readonly vcpu: number; readonly pmu: boolean; readonly cpu: number }
  | { readonly op: 'set-reg'; readonly vcpu: number; readonly reg: string; readonly value: string }
  | { readonly op: 'get-reg'; readonly vcpu: number; readonly reg: string }
  | { readonly op: 'republish-pmus' }
  /** KVM_CREATE_VCPU of a vCPU the plan left 'uncreated' (it then becomes schedulable). */
  | { readonly op: 'create-vcpu'; readonly vcpu: number }
  | { readonly op: 'vgic-init' }
  /** CPU PMU hotplug: registers a topology PMU marked `hotplug` (spec §1.2, the RCU writer). */
  | { readonly op: 'hotplug-pmu'; readonly pmu: string }
  /** Takes a lock and keeps it until the run stops: a planted hang for the watchdog. */
  | { readonly op: 'stall'; readonly lock: 'config_lock' | 'kvm->lock' | 'vcpu->mutex'; readonly vcpu: number }
  /** Never returns, not even when the run stops: a planted runaway for the stop path. */
  | { readonly op: 'spin' };

export interface VmmPlan {
  readonly name: string;
  readonly vm: number;
  /** Passes over `steps`; 0 = until the run stops. */
  readonly iterations: number;
  readonly steps: readonly VmmStep[];
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly topology: Topology;
  readonly profile: Profile;
  /** The model oracles on (check/oracles.ts): all but the scenario's `oraclesOff`. */
  readonly checks: OracleChecks;
  /** Every oracle switched off (model, synchronisation, lock order): `oraclesOff`, validated. */
  readonly oraclesOff: readonly string[];
  readonly policy: PolicyKind;
  readonly seed: number;
  readonly durationMs: number;
  /** Quanta per vCPU; 0 = until the duration ends. */
  readonly quanta: number;
  readonly watchdogMs: number;
  readonly vms: readonly VmPlan[];
  readonly vmm: readonly VmmPlan[];
}

/** What a scenario file may say (see README "Scenario files"). */
export interface ScenarioSpec {
  name: string;
  description?: string;
  host?: string | TopologySpec;
  profile?: string;
  switches?: Partial<ProfileSwitches>;
  design?: PmuListDesign;
  /** Planted historical bugs (src/check/bugs.ts; `--bug NAME`). */
  bugs?: string[];
  /** Model oracles switched off (src/check/oracles.ts; `--no-oracle NAME`). */
  oraclesOff?: string[];
  scheduler?: { policy?: PolicyKind; seed?: number };
  durationMs?: number;
  quanta?: number;
  watchdogMs?: number;
  vms: {
    irqchip?: 'vgic-v3' | 'none';
    config?: VmConfig;
    pmu?: string;
    initCpu?: number;
    vcpus: { workload?: string; cycles?: number; accesses?: number; start?: number; setup?: VcpuSetup }[];
  }[];
  vmm?: { name?: string; vm?: number; iterations?: number; steps: Record<string, unknown>[] }[];
}

const attrIds = Object.fromEntries(Object.entries(pmuAttrName).map(([id, n]) => [n, Number(id)]));

function resolveAttr(path: string, v: unknown): number {
  if (typeof v === 'string' && v in attrIds) return attrIds[v]!;
  if (isInt(v) && v >= 0) return v;
  throw badField(path, `an attribute name (${Object.keys(attrIds).join(', ')}) or id`, v);
}

function resolveStep(path: string, raw: unknown, vm: VmPlan, topology: Topology): VmmStep {
  const o = checkObject(path, raw);
  const op = oneOf(
    path + '.op',
    o.op,
    ['set-attr', 'get-attr', 'has-attr', 'vcpu-init', 'set-reg', 'get-reg', 'create-vcpu', 'vgic-init', 'republish-pmus', 'hotplug-pmu', 'stall', 'spin'] as const,
    'set-attr',
  );
  if (o.op === undefined) throw badField(path + '.op', 'an operation name', undefined);
  const vcpu = () => intField(path + '.vcpu', o.vcpu ?? 0, 0, 0, vm.vcpus.length - 1);
  const reg = () => {
    if (typeof o.reg !== 'string' || !oneRegNames.includes(o.reg)) throw badField(path + '.reg', 'a ONE_REG register name, e.g. PMCR_EL0', o.reg);
    return o.reg;
  };
  switch (op) {
    case 'set-attr': {
      checkKnownKeys(path, o, ['op', 'vcpu', 'attr', 'value']);
      const attr = resolveAttr(path + '.attr', o.attr);
      let value: number | FilterValue | undefined;
      if (typeof o.value === 'string') {
        // SET_PMU by PMU name: resolved to its perf type id.
        const pmu = topology.pmus.find((p) => p.name === o.value);
        if (!pmu) throw badField(path + '.value', `a PMU name of the host (${topology.pmus.map((p) => p.name).join(', ')})`, o.value);
        value = pmu.type;
      } else if (typeof o.value === 'object' && o.value !== null) {
        const f = checkObject(path + '.value', o.value);
        checkKnownKeys(path + '.value', f, ['baseEvent', 'nevents', 'action']);
        value = {
          baseEvent: intField(path + '.value.baseEvent', f.baseEvent, 0, 0, 0xffff),
          nevents: intField(path + '.value.nevents', f.nevents, 0, 0, 0xffff),
          action: intField(path + '.value.action', f.action, 0, 0, 0xff),
        };
      } else if (o.value !== undefined) {
        value = intField(path + '.value', o.value, 0, -(2 ** 31), 2 ** 32 - 1);
      }
      return { op, vcpu: vcpu(), attr, value };
    }
    case 'get-attr':
    case 'has-attr':
      checkKnownKeys(path, o, ['op', 'vcpu', 'attr']);
      return { op, vcpu: vcpu(), attr: resolveAttr(path + '.attr', o.attr) };
    case 'vcpu-init':
      checkKnownKeys(path, o, ['op', 'vcpu', 'pmu', 'cpu']);
      if (o.pmu !== undefined && typeof o.pmu !== 'boolean') throw badField(path + '.pmu', 'a boolean', o.pmu);
      return { op, vcpu: vcpu(), pmu: (o.pmu as boolean | undefined) ?? true, cpu: intField(path + '.cpu', o.cpu, 0, 0, topology.cpus - 1) };
    case 'set-reg': {
      checkKnownKeys(path, o, ['op', 'vcpu', 'reg', 'value']);
      let value: bigint;
      try {
        value = BigInt(o.value as string | number);
      } catch {
        throw badField(path + '.value', 'an integer or a string like "0x8000003f"', o.value);
      }
      return { op, vcpu: vcpu(), reg: reg(), value: String(BigInt.asUintN(64, value)) };
    }
    case 'get-reg':
      checkKnownKeys(path, o, ['op', 'vcpu', 'reg']);
      return { op, vcpu: vcpu(), reg: reg() };
    case 'create-vcpu':
      checkKnownKeys(path, o, ['op', 'vcpu']);
      return { op, vcpu: vcpu() };
    case 'vgic-init':
    case 'republish-pmus':
    case 'spin':
      checkKnownKeys(path, o, ['op']);
      return { op };
    case 'hotplug-pmu': {
      checkKnownKeys(path, o, ['op', 'pmu']);
      const hot = topology.pmus.filter((p) => p.hotplug).map((p) => p.name);
      if (typeof o.pmu !== 'string' || !hot.includes(o.pmu)) {
        throw badField(path + '.pmu', `a PMU the topology marks hotplug (${hot.join(', ') || 'none'})`, o.pmu);
      }
      return { op, pmu: o.pmu };
    }
    case 'stall':
      checkKnownKeys(path, o, ['op', 'lock', 'vcpu']);
      return { op, lock: oneOf(path + '.lock', o.lock, ['config_lock', 'kvm->lock', 'vcpu->mutex'] as const, 'config_lock'), vcpu: vcpu() };
  }
}

const SCENARIO_KEYS = ['name', 'description', 'host', 'profile', 'switches', 'design', 'bugs', 'oraclesOff', 'scheduler', 'durationMs', 'quanta', 'watchdogMs', 'vms', 'vmm'];

/** Validates a scenario object; `path` prefixes field names in errors (e.g. the file name). */
export function resolveScenario(raw: unknown, path = 'scenario'): Scenario {
  const o = checkObject(path, raw);
  checkKnownKeys(path, o, SCENARIO_KEYS);
  if (typeof o.name !== 'string' || o.name === '') throw badField(path + '.name', 'a non-empty string', o.name);
  const host = o.host ?? 'rk3588';
  let topologyRaw: unknown = host;
  if (typeof host === 'string') {
    topologyRaw = presets[host];
    if (!topologyRaw) throw badField(path + '.host', `a preset (${presetNames.join(', ')}) or a topology object`, host);
  }
  const topology = resolveTopology(topologyRaw, typeof host === 'string' ? `preset ${host}` : path + '.host');
  const switches = (o.switches === undefined ? {} : checkObject(path + '.switches', o.switches)) as Partial<ProfileSwitches>;
  const design = o.design === undefined ? undefined : oneOf(path + '.design', o.design, pmuListDesigns, 'mutex');
  const bugs = o.bugs === undefined ? [] : checkArray(path + '.bugs', o.bugs, 'bug names');
  bugs.forEach((b, i) => {
    if (typeof b !== 'string') throw badField(`${path}.bugs[${i}]`, "a bug name (see 'vpmu-lab bugs')", b);
  });
  const profile = resolveProfile(
    o.profile === undefined ? 'mainline' : String(o.profile),
    design ? { ...switches, pmuListDesign: design } : switches,
    plantedBugs(bugs as string[]),
  );
  const off = o.oraclesOff === undefined ? [] : checkArray(path + '.oraclesOff', o.oraclesOff, 'oracle names');
  off.forEach((n, i) => {
    if (typeof n !== 'string') throw badField(`${path}.oraclesOff[${i}]`, 'an oracle name', n);
  });
  const oraclesOff = checkOracleNames(off as string[]);
  const checks = oracleChecks(oraclesOff);
  const sched = o.scheduler === undefined ? {} : checkObject(path + '.scheduler', o.scheduler);
  checkKnownKeys(path + '.scheduler', sched, ['policy', 'seed']);
  const vmsRaw = checkArray(path + '.vms', o.vms, 'VMs');
  if (vmsRaw.length === 0) throw badField(path + '.vms', 'at least one VM', o.vms);
  let global = 0;
  const vms = vmsRaw.map((vr, i): VmPlan => {
    const p = `${path}.vms[${i}]`;
    const v = checkObject(p, vr);
    checkKnownKeys(p, v, ['irqchip', 'config', 'pmu', 'initCpu', 'vgicInit', 'vcpus']);
    const config = oneOf(p + '.config', v.config, vmConfigs, 'default-pmu');
    if (v.pmu !== undefined && !topology.pmus.some((x) => x.name === v.pmu)) {
      throw badField(p + '.pmu', `a PMU of the host (${topology.pmus.map((x) => x.name).join(', ')})`, v.pmu);
    }
    if (v.pmu !== undefined && config !== 'set-pmu') throw badField(p + '.pmu', "no PMU unless config is 'set-pmu'", v.pmu);
    const vcpusRaw = checkArray(p + '.vcpus', v.vcpus, 'vCPUs');
    if (vcpusRaw.length === 0) throw badField(p + '.vcpus', 'at least one vCPU', v.vcpus);
    if (v.vgicInit !== undefined && typeof v.vgicInit !== 'boolean') throw badField(p + '.vgicInit', 'a boolean', v.vgicInit);
    const vgicInit = (v.vgicInit as boolean | undefined) ?? true;
    return {
      vgicInit,
      irqchip: oneOf(p + '.irqchip', v.irqchip, ['vgic-v3', 'none'] as const, 'vgic-v3') === 'vgic-v3',
      config,
      pmu: v.pmu as string | undefined,
      initCpu: intField(p + '.initCpu', v.initCpu, 0, 0, topology.cpus - 1),
      vcpus: vcpusRaw.map((cr, j): VcpuPlan => {
        const q = `${p}.vcpus[${j}]`;
        const c = checkObject(q, cr);
        checkKnownKeys(q, c, ['workload', 'cycles', 'accesses', 'start', 'setup']);
        return {
          workload: oneOf(q + '.workload', c.workload, workloadNames, 'perf-stat'),
          cycles: intField(q + '.cycles', c.cycles, 100_000, 0, 2 ** 40),
          // A quantum must stay well inside the watchdog's minimum (1 s): 1 M accesses ≈ 50 ms.
          accesses: intField(q + '.accesses', c.accesses, 1_000, 0, 1_000_000),
          start: intField(q + '.start', c.start, global++ % topology.cpus, 0, topology.cpus - 1),
          setup: oneOf(q + '.setup', c.setup, vcpuSetups, 'full'),
        };
      }),
    };
  });
  const vmmRaw = o.vmm === undefined ? [] : checkArray(path + '.vmm', o.vmm, 'VMM threads');
  const vmm = vmmRaw.map((tr, i): VmmPlan => {
    const p = `${path}.vmm[${i}]`;
    const t = checkObject(p, tr);
    checkKnownKeys(p, t, ['name', 'vm', 'iterations', 'steps']);
    const vm = intField(p + '.vm', t.vm, 0, 0, vms.length - 1);
    const steps = checkArray(p + '.steps', t.steps, 'steps');
    if (steps.length === 0) throw badField(p + '.steps', 'at least one step', t.steps);
    return {
      name: typeof t.name === 'string' && t.name !== '' ? t.name : `vmm${i}`,
      vm,
      iterations: intField(p + '.iterations', t.iterations, 0, 0, 100_000_000),
      steps: steps.map((s, k) => resolveStep(`${p}.steps[${k}]`, s, vms[vm]!, topology)),
    };
  });
  if (o.description !== undefined && typeof o.description !== 'string') throw badField(path + '.description', 'a string', o.description);
  const scenario: Scenario = {
    name: o.name,
    description: (o.description as string | undefined) ?? '',
    topology,
    profile,
    checks,
    oraclesOff,
    policy: oneOf(path + '.scheduler.policy', sched.policy, policyKinds, 'round-robin'),
    seed: intField(path + '.scheduler.seed', sched.seed, 1, 0, 2 ** 31 - 1),
    durationMs: intField(path + '.durationMs', o.durationMs, 2000, 1, 24 * 3600 * 1000),
    quanta: intField(path + '.quanta', o.quanta, 0, 0, 2 ** 31 - 1),
    watchdogMs: intField(path + '.watchdogMs', o.watchdogMs, 5000, 1000, 3600 * 1000),
    vms,
    vmm,
  };
  const threads = topology.cpus + vmm.length;
  if (threads > MAX_RCU_THREADS) {
    throw badField(path + '.vmm', `at most ${MAX_RCU_THREADS - topology.cpus} VMM threads on a ${topology.cpus}-CPU host (${MAX_RCU_THREADS} threads in all)`, `${vmm.length} threads`);
  }
  const names = vmm.map((t) => t.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw badField(`${path}.vmm[${i}].name`, 'a name no other VMM thread has', n);
  });
  scenario.vms.forEach((v, i) => {
    const uncreated = v.vcpus.findIndex((c) => c.setup === 'uncreated');
    if (v.vgicInit && v.irqchip && uncreated >= 0) {
      throw badField(`${path}.vms[${i}].vcpus[${uncreated}].setup`, "not 'uncreated' unless vgicInit is false (creating a vCPU after vGIC init is EBUSY)", 'uncreated');
    }
    const full = v.vcpus.findIndex((c) => c.setup === 'full');
    if (!v.vgicInit && v.irqchip && v.config !== 'none' && full >= 0) {
      throw badField(`${path}.vms[${i}].vcpus[${full}].setup`, "not 'full' (PMU INIT needs the vGIC, which vgicInit: false leaves to a VMM thread)", 'full');
    }
  });
  if (scenario.vms.some((v) => v.config === 'fixed-counters-only') && profile.attr5 !== 'fixed-counters-only') {
    throw new VpmuLabError(`${path}: a VM with config 'fixed-counters-only' needs profile 'fixed-counters-only' (attribute 5)`);
  }
  if (scenario.vms.some((v) => v.config === 'partition') && profile.attr5 !== 'enable-partition') {
    throw new VpmuLabError(`${path}: a VM with config 'partition' needs profile 'partition' (attribute 5 = ENABLE_PARTITION)`);
  }
  return scenario;
}
