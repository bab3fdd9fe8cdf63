/** What the coordinator hands a worker thread, and what a worker tells it back. */
import type { ControlShape } from './control.js';
import type { Scenario } from './scenario.js';
import type { WorldBuffers } from './world.js';

export interface WorkerJob {
  /** The thread's slot: pCPU c is slot c; VMM thread i is slot cpus + i. */
  readonly slot: number;
  readonly scenario: Scenario;
  readonly world: WorldBuffers;
  readonly control: SharedArrayBuffer;
  readonly controlShape: ControlShape;
  readonly recorder: SharedArrayBuffer;
  /** Ring entries per thread of the flight recorder. */
  readonly recorderEntries: number;
  /** Record mode (`run --record`): logged steps and their leaf work are serialised. */
  readonly recordMode: boolean;
}

export type WorkerMessage = { readonly type: 'ready' };

/** Names of the threads by slot, for reports: "pcpu3", "vmm:configurator". */
export function threadNames(scenario: Scenario): string[] {
  return [
    ...Array.from({ length: scenario.topology.cpus }, (_, c) => `pcpu${c}`),
    ...scenario.vmm.map((t) => `vmm:${t.name}`),
  ];
}

export function worldShapeOf(scenario: Scenario) {
  return {
    topology: scenario.topology,
    profile: scenario.profile,
    checks: scenario.checks,
    oraclesOff: scenario.oraclesOff,
    vms: scenario.vms.map((v) => ({ irqchip: v.irqchip, vcpus: v.vcpus.length })),
  };
}
