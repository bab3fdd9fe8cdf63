/** A scenario under a locking design: the one place a design's switches meet a scenario's own. */
import type { ScenarioSpec } from '../engine/scenario.js';
import type { Design } from '../kvm/designs.js';

/** The design's switches over the scenario's, the scenario's own `design` (arm_pmus) folded in first. */
export function specUnder(spec: ScenarioSpec, d: Design): ScenarioSpec {
  const { design: own, ...rest } = spec;
  return { ...rest, switches: { ...(own ? { pmuListDesign: own } : {}), ...spec.switches, ...d.switches } };
}
