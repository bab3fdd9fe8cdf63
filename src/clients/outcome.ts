/** Turns a finished (or dead) client run into its `ClientOutcome`. */
import type { ClientContext } from './context.js';
import { measureCpus, readNrCounters, type CpuReach } from './measure.js';
import type { TracedVm } from './trace.js';
import type { ClientOutcome, PmuMode } from './types.js';

function modeOf(vm: TracedVm | null): PmuMode {
  const vcpu0 = vm?.vcpus[0];
  if (!vm || !vcpu0 || !vcpu0.raw.model.hasPmu() || vm.raw.model.armPmu < 0) return 'none';
  if (vm.raw.model.fixedCountersOnly()) return 'fixed-counters-only';
  return vm.setPmuApplied ? 'set-pmu' : 'default';
}

/** `error` is the client's death message, if it died. */
export function buildOutcome(ctx: ClientContext, error: string | undefined): ClientOutcome {
  const vm = ctx.vm;
  const vcpu0 = vm?.vcpus[0];
  const entry = vm ? vm.raw.model.armPmu : -1;
  const pmuDesc = entry >= 0 ? ctx.host.model.pmuOf(entry) : null;
  const nrCounters = vcpu0 ? readNrCounters(vcpu0) : null;
  const reach: CpuReach =
    error === undefined && vcpu0 ? measureCpus(vcpu0, ctx.host.cpus) : { runnableCpus: [], countingCpus: [] };
  return {
    client: ctx.client,
    host: ctx.host.name,
    profile: ctx.host.profile,
    options: ctx.options,
    trace: ctx.tracer.lines,
    ok: error === undefined,
    ...(error === undefined ? {} : { error }),
    notes: ctx.notes,
    pmu: pmuDesc?.name ?? null,
    pmuType: pmuDesc?.type ?? null,
    mode: modeOf(vm),
    nrCounters,
    ...reach,
  };
}
