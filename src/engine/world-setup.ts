/**
 * What the VMM's main thread does before any engine thread starts: KVM_CREATE_VCPU for the
 * vCPUs a scenario creates up front, and each VM's configuration (vm-setup.ts). Shared by
 * the hw coordinator and the sim driver, so both start from the same world.
 */
import { Vcpu } from '../api/vcpu.js';
import { NO_CHECKS } from '../check/oracles.js';
import type { Topology } from '../host/topology.js';
import type { Profile } from '../kvm/profile.js';
import { createVcpu } from '../kvm/vm-ioctl.js';
import { runDirect } from '../sync/direct.js';
import { SCHED, type Control } from './control.js';
import type { Scenario } from './scenario.js';
import { resolvePolicy, rngSeed } from './scheduler.js';
import { setUpVm } from './vm-setup.js';
import type { World, WorldSnapshot } from './world.js';

/**
 * Sets up a world fresh from `World.create`. The sim driver does this for every execution
 * — a dozen ioctls through the direct driver, which cost more than a short execution's
 * steps — and the result depends only on the world's shape and the VMs' set-up plan, and
 * lives entirely in the world's buffer (the premise of `World.attach`). So the first
 * set-up of a (topology, profile, plan) is performed and its bytes kept; later ones copy
 * them in. A set-up that fails throws every time, as before: nothing is kept.
 */
export function setUpWorld(world: World, s: Scenario): void {
  const byPlan = setUpsOf(world);
  const key = setUpKey(s);
  const done = byPlan.get(key);
  if (done) return world.restore(done);
  performSetUp(world, s);
  byPlan.set(key, world.snapshot());
}

/** Snapshots of set-up worlds by topology, profile and `setUpKey`. */
const setUps = new WeakMap<Topology, WeakMap<Profile, Map<string, WorldSnapshot>>>();

function setUpsOf(world: World): Map<string, WorldSnapshot> {
  const { topology, profile } = world.shape;
  let byProfile = setUps.get(topology);
  if (!byProfile) setUps.set(topology, (byProfile = new WeakMap()));
  let byPlan = byProfile.get(profile);
  if (!byPlan) byProfile.set(profile, (byPlan = new Map()));
  return byPlan;
}

/** Everything of a scenario that set-up (and the fresh world's shape) reads, as text. */
function setUpKey(s: Scenario): string {
  return JSON.stringify(
    s.vms.map((p) => [p.irqchip, p.config, p.pmu, p.initCpu, p.vgicInit, p.vcpus.map((v) => v.setup)]),
  );
}

/**
 * The VMM's main thread before any engine thread starts. The model oracles watch the engine
 * threads, not this: a planted bug that shows in set-up (lazy-default-pmu at the first INIT)
 * is found where a VMM thread does the same (the bug catalog's scenario).
 */
function performSetUp(world: World, s: Scenario): void {
  const checks = world.host.checks;
  world.host.checks = NO_CHECKS;
  try {
    setUpVms(world, s);
  } finally {
    world.host.checks = checks;
  }
}

function setUpVms(world: World, s: Scenario): void {
  s.vms.forEach((plan, i) => {
    const vm = world.vms[i]!;
    vm.vcpus.forEach((v, j) => {
      if (plan.vcpus[j]!.setup !== 'uncreated') runDirect(createVcpu(vm, v), `vm${i} KVM_CREATE_VCPU`);
    });
    setUpVm(
      vm,
      vm.vcpus.map((v) => new Vcpu(v)),
      {
        config: plan.config,
        pmuType: plan.pmu === undefined ? undefined : s.topology.pmus.find((p) => p.name === plan.pmu)!.type,
        initCpu: plan.initCpu,
        vcpuSetup: plan.vcpus.map((v) => v.setup),
        vgicInit: plan.vgicInit,
      },
    );
  });
}

/** Every vCPU's first scheduling word, placement PRNG state and "never loaded" last CPU. */
export function initSchedule(control: Control, s: Scenario): void {
  const policy = resolvePolicy(s.policy, s.seed);
  s.vms.flatMap((vm) => vm.vcpus).forEach((p, v) => {
    control.setRngState(v, rngSeed(policy, v));
    control.setLastCpu(v, -1);
    control.setSched(v, p.setup === 'uncreated' ? SCHED.UNCREATED : p.start);
  });
}
