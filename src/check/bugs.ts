/**
 * The catalog of planted historical bugs (spec §8, DESIGN principle 4). Each is a named
 * switch the model reads (`vm.planted(name)`, `host.planted(name)`): a variant of the model
 * selected by data, off by default, never an edit of the code. Each entry names the spec §8
 * item, the kernel commit or series whose fix it reverts, the oracle that catches it and a
 * built-in scenario in which `vpmu-lab explore` finds it — the same scenario explores to
 * SUCCESS without the bug (test/check/bug-catalog.test.ts proves both).
 */
import { unknownName } from '../host/errors.js';
import type { OracleName } from './verdict.js';

export interface PlantedBug {
  readonly name: string;
  /** spec §8 item, when the bug is one of the historical list. */
  readonly item?: number;
  /** The kernel commit or series whose fix the bug reverts (or the design rule it breaks). */
  readonly source: string;
  readonly summary: string;
  /** A built-in scenario in which `explore` finds it. */
  readonly scenario: string;
  /** The oracle that reports it there. */
  readonly oracle: OracleName;
}

const catalog = [
  {
    name: 'lazy-default-pmu',
    item: 3,
    source: '427733579744 "KVM: arm64: Select default PMU in KVM_ARM_VCPU_INIT handler" (reverted)',
    summary: 'the default PMU is chosen at the first KVM_RUN, from the CPU the vCPU first runs on, instead of at the first KVM_ARM_VCPU_INIT: arm_pmu is NULL in between',
    scenario: 'attr-race',
    oracle: 'arm-pmu-chosen',
  },
  {
    name: 'no-unsupported-cpu-check',
    item: 4,
    source: '583cda1b0e7d "KVM: arm64: Refuse to run VCPU if the PMU doesn\'t match the physical CPU" (reverted)',
    summary: 'vcpu_load no longer flags a CPU outside supported_cpus, so a SET_PMU VM enters the guest on the other cluster',
    scenario: 'set-pmu-pingpong',
    oracle: 'guest-entry-outside-supported-cpus',
  },
  {
    name: 'config-after-run',
    item: 5,
    source: 'Marc Zyngier, 2022: "KVM: arm64: Do not change the PMU event filter after a VCPU has run" (reverted)',
    summary: 'FILTER and SET_PMU skip the HAS_RAN_ONCE check: the filter and the PMU change under running vCPUs',
    scenario: 'attr-race',
    oracle: 'config-frozen-after-run',
  },
  {
    name: 'user-read-stale-counter',
    item: 6,
    source: '9228b26194d1 "KVM: arm64: PMU: Fix GET_ONE_REG for vPMC regs to return the current value" (reverted)',
    summary: 'GET_ONE_REG of a counter returns the stored register without its perf event\'s live count',
    scenario: 'onereg-race',
    oracle: 'user-read-equals-guest-read',
  },
  {
    name: 'set-one-reg-keeps-event',
    item: 8,
    source: '64074ca8ca92 "KVM: arm64: PMU: Fix SET_ONE_REG for vPMC regs" (reverted)',
    summary: 'SET_ONE_REG of a counter stores the value but leaves the live perf event, whose count still adds on top',
    scenario: 'onereg-race',
    oracle: 'user-write-read-back',
  },
  {
    name: 'reload-before-mask',
    item: 9,
    source: 'Akihiko Odaki 2025 series: RELOAD masks PMCNTENSET before reprogramming (reverted)',
    summary: 'KVM_REQ_RELOAD_PMU reprograms counters before masking PMCNTENSET to N, creating perf events for unimplemented counters',
    scenario: 'nr-counters-shrink',
    oracle: 'event-for-unimplemented-counter',
  },
  {
    name: 'reset-keeps-stale-events',
    item: 10,
    source: 'Akihiko Odaki v10/v11 "Revert \\"Reload when resetting\\"", "Recreate events after reset" (reverted)',
    summary: 'vCPU reset only asks for a reload, so a perf event created before the reset keeps its count on top of the reset value',
    scenario: 'reset-race',
    oracle: 'value-after-reset',
  },
  {
    name: 'pmcr-n-reset-to-host',
    item: 11,
    source: '"KVM: arm64: PMU: Preserve vCPU\'s PMCR_EL0.N value on vCPU reset" (SET_NR_COUNTERS series; reverted)',
    summary: 'a vCPU reset puts PMCR_EL0.N back to the host PMU\'s counter count, undoing SET_NR_COUNTERS',
    scenario: 'reset-race',
    oracle: 'nr-counters-kept-at-reset',
  },
  {
    name: 'bitmaps-unsanitised',
    item: 12,
    source: '27131b199f9f "KVM: arm64: PMU: Sanitize PM{C,I}NTEN{SET,CLR}, PMOVS{SET,CLR} before first run", a45f41d754e0 (reverted)',
    summary: 'userspace writes of PMCNTEN/PMINTEN/PMOVS store bits at and above N, and reads return them',
    scenario: 'onereg-race',
    oracle: 'unimplemented-bits-read-as-zero',
  },
  {
    name: 'nr-counters-not-frozen',
    item: 13,
    source: '"KVM: arm64: PMU: Freeze counter count after first run" (FIXED_COUNTERS_ONLY v9–v11; reverted)',
    summary: 'SET_NR_COUNTERS through a vCPU whose PMU INIT has not happened changes N while another vCPU runs',
    scenario: 'nr-counters-frozen',
    oracle: 'config-frozen-after-run',
  },
  {
    name: 'put-clears-vcpu-cpu',
    item: 17,
    source: 'Oliver Upton: "KVM: arm64: Don\'t clear vcpu->cpu in kvm_arch_vcpu_put()" (FIXED series v8+; reverted)',
    summary: 'vcpu_put sets vcpu->cpu = -1, so the next vcpu_load cannot see the migration and the per-load check never fires',
    scenario: 'fixed-pingpong',
    oracle: 'cycle-counter-on-current-pmu',
  },
  {
    name: 'pmu-list-removal',
    item: 18,
    source: 'Marc Zyngier\'s review of the RCU arm_pmus conversion: lockless readers are safe only because entries are never removed (the bug: a PMU unplugged and freed)',
    summary: 'a republish of arm_pmus unplugs the first PMU and frees it after a grace period, while VMs and perf events still hold it',
    scenario: 'pmu-list-race',
    oracle: 'rcu-reclaimed-read',
  },
  {
    name: 'overflow-at-64-bits',
    item: 20,
    source: 'Marc Zyngier v6.2: "KVM: arm64: PMU: Fix period computation for 64bit counters with 32bit overflow" (reverted)',
    summary: 'a 64-bit event counter (PMUv3p5) with PMCR_EL0.LP clear overflows at 64 bits instead of at 32',
    scenario: 'overflow-wrap',
    oracle: 'overflow-exactly-once',
  },
  {
    name: 'repeated-init-unserialised',
    item: 24,
    source: 'FIXED_COUNTERS_ONLY v9–v11 "KVM: arm64: Serialize repeated vCPU initialization" (title only; reverted)',
    summary: 'a repeated KVM_ARM_VCPU_INIT resets the vCPU without config_lock: a SET_NR_COUNTERS landing inside the reset leaves enable/overflow bits at or above the new N',
    scenario: 'reinit-race',
    oracle: 'value-after-reset',
  },
  {
    name: 'fixed-with-filter',
    item: 25,
    source: '"Use multiple host PMUs" v8: FILTER and FIXED_COUNTERS_ONLY are mutually exclusive (reverted)',
    summary: 'FIXED_COUNTERS_ONLY and FILTER no longer refuse each other: a VM ends up with both',
    scenario: 'attr-race',
    oracle: 'fixed-excludes-filter',
  },
  {
    name: 'fixed-reload-keeps-foreign-event',
    item: 26,
    source: '"Use multiple host PMUs" v6+: in FIXED mode RELOAD re-creates an event whose PMU does not cover the current CPU (reverted)',
    summary: 'after a move to the other cluster RELOAD only re-enables the cycle counter\'s existing event, still bound to the old cluster\'s PMU',
    scenario: 'fixed-pingpong',
    oracle: 'cycle-counter-on-current-pmu',
  },

  {
    name: 'no-per-load-check',
    source: '"Use multiple host PMUs" kvm_vcpu_load_pmu (design: the per-load check removed)',
    summary: 'vcpu_load no longer compares the PMU of the new CPU with the old one: a FIXED vCPU moved to the other cluster keeps a cycle counter that cannot count there',
    scenario: 'fixed-pingpong',
    oracle: 'cycle-counter-on-current-pmu',
  },
  {
    name: 'reader-outside-read-section',
    source: '"KVM: arm64: Protect the list of PMUs with RCU" (FIXED series; design rule: every list walk inside rcu_read_lock)',
    summary: 'kvm_pmu_probe_armpmu walks arm_pmus without rcu_read_lock (or arm_pmus_lock): a hotplug writer may reclaim the snapshot under it',
    scenario: 'pmu-probe-race',
    oracle: 'rcu-dereference-outside-reader',
  },
  {
    name: 'free-before-grace-period',
    source: '"KVM: arm64: Protect the list of PMUs with RCU" (design rule: synchronize_rcu before freeing; design rcu-no-grace-period is this bug)',
    summary: 'the arm_pmus writer reclaims the old snapshot right after publishing the new one, without waiting for a grace period: a reader inside its section reads freed memory',
    scenario: 'pmu-list-race',
    oracle: 'rcu-reclaimed-read',
  },
  {
    name: 'config-lock-inversion',
    source: 'spec §5.1: config_lock → arm_pmus_lock (kvm_arm_pmu_v3_set_pmu takes arm_pmus_lock inside config_lock); design rule broken on purpose',
    summary: 'CPU PMU hotplug (kvm_host_pmu_init) revisits every VM under its config_lock while still holding arm_pmus_lock: arm_pmus_lock → config_lock, against SET_PMU\'s order',
    scenario: 'set-pmu-vs-hotplug',
    oracle: 'lock-order',
  },
  {
    name: 'synchronize-under-reader-lock',
    source: '"KVM: arm64: Protect the list of PMUs with RCU" (design rule: no synchronize_rcu under a lock a reader takes)',
    summary: 'the arm_pmus writer waits for its grace period holding arm_pmus_lock, and kvm_supports_guest_pmuv3, half converted, takes arm_pmus_lock inside its RCU read-side section: each can wait for the other',
    scenario: 'pmu-probe-race',
    oracle: 'rcu-synchronize-under-reader-lock',
  },
  {
    name: 'pmovs-not-cleared-at-load',
    source: 'ARM64 PMU Partitioning v6 (spec §6.4): kvm_pmu_load clears PMOVS to avoid spurious interrupts (reverted)',
    summary: 'kvm_pmu_load writes the counters and bitmaps without clearing PMOVS: an overflow flag a put left in hardware is seen again by the next context loaded on that CPU (or raises its interrupt)',
    scenario: 'partition-sampler',
    oracle: 'overflow-exactly-once',
  },
  {
    name: 'physical-switch-clobbers-writes',
    source: 'ARM64 PMU Partitioning v5 (spec §6.5): kvm_pmu_set_physical_access loads the context at once when it untraps (reverted)',
    summary: 'the lazy FREE → GUEST_OWNED switch only untraps: the guest meets the hardware as the host left it, and the next put reads that back over the vCPU file, clobbering the values written while trapped',
    scenario: 'partition-sampler',
    oracle: 'guest-context-survives-swap',
  },
  {
    name: 'swap-while-tpm-set',
    source: 'ARM64 PMU Partitioning (spec §6.4): the swap is skipped while the vCPU runs with MDCR_EL2.TPM set (reverted)',
    summary: 'vcpu_load swaps the context in even when TPM is set (no FGT, or a lazy vCPU not owning its PMU): trapped accesses then act on the vCPU file while the hardware holds the context, and the next put overwrites them',
    scenario: 'partition-no-fgt',
    oracle: 'guest-context-survives-swap',
  },
] as const satisfies readonly PlantedBug[];

export type BugName = (typeof catalog)[number]['name'];

export const bugCatalog: readonly PlantedBug[] = Object.freeze(catalog.map((b) => Object.freeze(b)));
export const bugNames: readonly BugName[] = Object.freeze(catalog.map((b) => b.name));

/** The planted-bug switches a profile carries: a name is present iff planted. */
export type PlantedBugs = Readonly<Partial<Record<BugName, true>>>;

/** Validates bug names (unknown → an error listing the valid ones) into the profile's set. */
export function plantedBugs(names: readonly string[]): PlantedBugs {
  const out: Partial<Record<BugName, true>> = {};
  for (const n of names) {
    if (!(bugNames as readonly string[]).includes(n)) throw unknownName('bug', n, bugNames, "bugs ('vpmu-lab bugs' lists them)");
    out[n as BugName] = true;
  }
  return Object.freeze(out);
}

export function bugByName(name: string): PlantedBug {
  const b = bugCatalog.find((x) => x.name === name);
  if (!b) throw unknownName('bug', name, bugNames, "bugs ('vpmu-lab bugs' lists them)");
  return b;
}
