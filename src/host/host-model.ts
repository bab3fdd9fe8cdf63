/**
 * The host side of the model: the resolved topology, the sanitised PMU version, and the
 * `arm_pmus` list filled at "driver probe" time by `kvm_host_pmu_init` (spec §1.2).
 */
import { errno } from '../arch/errno.js';
import { PMUVER, pmuv3Implemented } from '../arch/pmuver.js';
import type { Profile } from '../kvm/profile.js';
import { NO_CHECKS, type OracleChecks } from '../check/oracles.js';
import { runDirect } from '../sync/direct.js';
import type { Op } from '../sync/seam.js';
import type { Region } from '../mem/region.js';
import { PcpuBanks, pcpuBanksLayout } from './pcpu-banks.js';
import { PmuList, pmuListLayout } from './pmu-list.js';
import { cpuPmuOf, type PmuDesc, type Topology } from './topology.js';

export class HostModel {
  /** `kvm_arm_pmu_get_pmuver_limit()` (spec §1.2). */
  readonly pmuverLimit: number;
  readonly list: PmuList;
  /** Each physical CPU's hardware PMU register bank. */
  readonly banks: PcpuBanks;
  /**
   * The model oracles this host's model checks (check/oracles.ts): none behind the API of
   * API.md (a library call never throws for a model check), all in run and explore.
   */
  checks: OracleChecks = NO_CHECKS;

  /**
   * A host whose `arm_pmus` list and PMU register banks live in the given regions. `boot`
   * registers every CPU PMU of the topology, as the PMU driver does at boot; a worker
   * attaching to a host the coordinator already booted passes false.
   */
  constructor(
    readonly topology: Topology,
    readonly profile: Profile,
    listRegion: Region,
    banksRegion: Region,
    boot: boolean,
  ) {
    this.pmuverLimit = pmuverLimit(topology);
    this.list = new PmuList(listRegion, profile.pmuListDesign);
    const counters = Array.from({ length: topology.cpus }, (_, c) => cpuPmuOf(topology, c)?.counters ?? 0);
    this.banks = new PcpuBanks(banksRegion, counters, boot);
    if (!boot) return;
    if (profile.attr5 === 'enable-partition' && profile.reservedCountersMode === 'static') {
      for (let c = 0; c < topology.cpus; c++) this.banks.setStaticFloor(c, this.hpmnMax(c));
    }
    topology.pmus.forEach((pmu, source) => {
      if (pmu.kind === 'cpu' && !pmu.hotplug) runDirect(this.kvmHostPmuInit(source, pmu), 'kvm_host_pmu_init');
    });
  }

  /** Boots a host: a fresh list (on a SharedArrayBuffer if `shared`), every CPU PMU registered. */
  static boot(topology: Topology, profile: Profile, shared = false): HostModel {
    return new HostModel(topology, profile, pmuListLayout.allocate(shared), pcpuBanksLayout(topology.cpus).allocate(shared), true);
  }

  /** Registers a CPU PMU with KVM, only if the system PMU version is usable; false if it already is. */
  *kvmHostPmuInit(source: number, pmu: PmuDesc): Op<boolean> {
    if (!pmuv3Implemented(this.pmuverLimit)) return true;
    return yield* this.list.append(source, pmu.type, pmu.cpus);
  }

  /**
   * CPU PMU hotplug: the driver probes the PMU `name` at run time (its CPUs came online).
   * -ENOENT for a name the topology does not have or a non-CPU PMU, -EEXIST once registered.
   */
  *hotplugPmu(name: string): Op<number> {
    const source = this.topology.pmus.findIndex((p) => p.name === name && p.kind === 'cpu');
    if (source < 0) return -errno.ENOENT;
    return (yield* this.kvmHostPmuInit(source, this.topology.pmus[source]!)) ? 0 : -errno.EEXIST;
  }

  /** The event source behind `arm_pmus` entry `entry`. */
  pmuOf(entry: number): PmuDesc {
    return this.topology.pmus[this.list.source(entry)]!;
  }

  /** For reports read after a run (the control plane): a PMU's name, or what became of it. */
  pmuName(entry: number): string | null {
    if (entry < 0) return null;
    return this.list.freed(entry) ? `(arm_pmus entry ${entry}, freed)` : this.pmuOf(entry).name;
  }

  /** Max counters of a host PMU for a VM (spec §1.4 steps 2 and 4; step 1 is the caller's). */
  maxCounters(entry: number): number {
    if (this.topology.appleImpdefTraps) return 1;
    return this.pmuOf(entry).counters;
  }

  /**
   * `hpmn_max` of CPU `cpu`'s PMU (spec §6.1, §6.2): the counters a partitioned guest may
   * have there, its counters less `reserved_host_counters` (0 on a CPU without a PMU).
   */
  hpmnMax(cpu: number): number {
    return Math.max(0, this.banks.countersOf(cpu) - this.profile.reservedHostCounters);
  }

  /** `max_guest_counters` of a host PMU (spec §1.4 step 3, §6.7). */
  maxGuestCounters(entry: number): number {
    return Math.max(0, this.pmuOf(entry).counters - this.profile.reservedHostCounters);
  }

  /**
   * `kvm_supports_guest_pmuv3()`: list non-empty; with the v8 switch, the listed PMUs must
   * also cover every possible CPU (spec §1.2).
   */
  *supportsGuestPmuv3(): Op<boolean> {
    if (yield* this.list.isEmpty()) return false;
    if (!this.profile.guestPmuNeedsFullCoverage) return true;
    yield this.list.readLock();
    let covered = true;
    const n = this.list.count();
    for (let cpu = 0; cpu < this.topology.cpus && covered; cpu++) {
      let any = false;
      for (let i = 0; i < n && !any; i++) any = this.list.covers(i, cpu);
      covered = any;
    }
    yield this.list.readUnlock();
    return covered;
  }
}

/**
 * `kvm_arm_pmu_get_pmuver_limit()` (spec §1.2), steps in the kernel's order: (1) the
 * sanitised ID_AA64DFR0_EL1.PMUVer — the common value of every CPU PMU, a mismatch
 * sanitises to NI (FTR_EXACT since 6.6, spec §8 item 23); (2) the Apple IMPDEF-trap
 * workaround returns IMP whatever (1) gave; (3) NI or IMPDEF → 0; (4) cap at V3P5.
 */
function pmuverLimit(topology: Topology): number {
  const vers = new Set(topology.pmus.filter((p) => p.kind === 'cpu').map((p) => p.pmuver));
  const sanitised = vers.size === 1 ? [...vers][0]! : PMUVER.NI;
  if (topology.appleImpdefTraps) return PMUVER.IMP;
  if (!pmuv3Implemented(sanitised)) return PMUVER.NI;
  return Math.min(sanitised, PMUVER.V3P5);
}
