/**
 * vpmu-lab — the package root. API.md's conformance surface first, then the richer pieces
 * (profiles, topology validation, the seam and its drivers) for users who go further.
 */
export { uapi } from './arch/uapi.js';
export { errno, errnoName } from './arch/errno.js';
export { presets, presetNames } from './host/presets.js';
export { createHost, Host, type HostOptions, type HostPmuInfo } from './api/host.js';
export { Vm } from './api/vm.js';
export { Vcpu, type VcpuFeatures, type VcpuHostState } from './api/vcpu.js';
export { GuestUndefined } from './kvm/guest-undefined.js';
export type { GuestCpu as Guest, GuestProgram } from './kvm/guest-cpu.js';
export type { RunResult } from './kvm/arm.js';
export type { PmuEventFilter, GetAttrResult } from './kvm/pmu-attr.js';
export type { OneRegResult } from './kvm/one-reg.js';

export type { TopologySpec, PmuSpec, Topology, HostFeatures } from './host/topology.js';
export { PSTAT, PMU_ACCESS } from './kvm/vcpu-state.js';
export { MDCR } from './arch/pmu-bits.js';
export { resolveTopology } from './host/topology.js';
export { VpmuLabError } from './host/errors.js';
export { profiles, profileNames, switchNames, resolveProfile, type Profile, type ProfileSwitches } from './kvm/profile.js';
export { registerNames, oneRegNames } from './arch/registers.js';

export { runDirect, DeadlockError } from './sync/direct.js';
export { Stepper } from './sync/stepper.js';
export type { Op, SyncOp } from './sync/seam.js';
export { LockOrderError } from './sync/lock.js';
export * as ops from './kvm/vcpu-ioctl.js';
export { vcpuRun } from './kvm/arm.js';
