/**
 * `choose_pmu` of the QEMU RFC "target/arm/kvm: Choose PMU backend" (hosts-and-clients
 * §2.2): a second scratch VM probes every event source with a trial SET_PMU and picks an
 * event source covering every possible CPU, else fixed-counters-only, else no vPMU.
 */
import { uapi } from '../arch/uapi.js';
import { formatCpuList } from '../host/cpumask.js';
import type { ClientContext } from './context.js';
import { eventSources, readCpus, readPossibleCpus, readType, type EventSource } from './sysfs.js';
import type { TracedVcpu } from './trace.js';

export type PmuChoice =
  | { readonly kind: 'EVENT_SOURCE'; readonly type: number; readonly name: string }
  | { readonly kind: 'FIXED_COUNTERS_ONLY' }
  | { readonly kind: 'DEFAULT' }
  | { readonly kind: 'NONE' };

const A = uapi;

function covers(cpus: readonly number[], set: readonly number[]): boolean {
  return set.every((c) => cpus.includes(c));
}

/** Step 4 "supported": trial SET_PMU of each event source on the scratch vCPU. */
function scanEventSources(ctx: ClientContext, scratch: TracedVcpu, possible: readonly number[]): PmuChoice {
  const uncovered = new Set(possible);
  let best: EventSource | null = null;
  for (const e of eventSources(ctx)) {
    const type = readType(ctx, 'main', e);
    // DEVIATION (brief): the trial SET_PMU comes before the `cpus` read, so non-CPU PMUs
    // show their ENXIO; RFC v2 reads `cpus` first and skips them without an ioctl.
    if (scratch.set('main', A.KVM_ARM_VCPU_PMU_V3_SET_PMU, type)) continue;
    const cpus = readCpus(ctx, 'main', e);
    if (cpus === null) continue;
    for (const c of cpus) uncovered.delete(c);
    if (covers(cpus, possible) && (best === null || e.link < best.link)) best = e;
  }
  if (best) return { kind: 'EVENT_SOURCE', type: best.type, name: best.name };
  if (uncovered.size === 0 && scratch.has('main', A.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY) === 0) {
    return { kind: 'FIXED_COUNTERS_ONLY' };
  }
  return { kind: 'NONE' };
}

/**
 * Step 4 "not supported" (old kernel): only armv8-pmu driver instances are usable; one
 * covering every CPU ⇒ DEFAULT. Apple PMUs are not bound to that driver.
 */
function legacyDriverFallback(ctx: ClientContext, possible: readonly number[]): PmuChoice {
  const armv8 = ctx.host.pmus.filter((p) => !p.name.startsWith('apple_'));
  for (const p of armv8) {
    ctx.tracer.record('main', `read /sys/bus/platform/drivers/armv8-pmu/${p.name}/cpus`, 0, formatCpuList(p.cpus));
  }
  return armv8.some((p) => covers(p.cpus, possible)) ? { kind: 'DEFAULT' } : { kind: 'NONE' };
}

export function choosePmu(ctx: ClientContext): PmuChoice {
  const possible = readPossibleCpus(ctx, 'main');
  const scratch = ctx.tracer.createVm('main', 'scratch2', false).createVcpu('main');
  scratch.init('main', true, ctx.options.mainCpu);
  if (scratch.has('main', A.KVM_ARM_VCPU_PMU_V3_SET_PMU) === 0) return scanEventSources(ctx, scratch, possible);
  return legacyDriverFallback(ctx, possible);
}

export function describeChoice(c: PmuChoice): string {
  return c.kind === 'EVENT_SOURCE' ? `EVENT_SOURCE ${c.name} (type ${c.type})` : c.kind;
}
