/**
 * The clients' view of /sys/bus/event_source/devices: every event source of the host in
 * readdir (registration) order, with `type` and, for CPU PMUs only, a `cpus` file. Reads
 * are recorded in the trace like the ioctls (ENOENT for a missing file).
 */
import { errno } from '../arch/errno.js';
import { formatCpuList } from '../host/cpumask.js';
import type { ClientContext } from './context.js';

export const EVENT_SOURCE_DIR = '/sys/bus/event_source/devices';

export interface EventSource {
  readonly name: string;
  readonly type: number;
  /** Contents of the `cpus` file; null where there is none (DSU, SPE, other uncore PMUs). */
  readonly cpus: readonly number[] | null;
  /** The symlink target (`readlink`), used by the QEMU RFC to order candidates. */
  readonly link: string;
}

export function eventSources(ctx: ClientContext): EventSource[] {
  return ctx.host.eventSources.map((e) => ({
    name: e.name,
    type: e.type,
    cpus: e.kind === 'cpu' ? e.cpus : null,
    link: `../../../devices/${e.name}`,
  }));
}

export function readType(ctx: ClientContext, actor: string, e: EventSource): number {
  ctx.tracer.record(actor, `read ${EVENT_SOURCE_DIR}/${e.name}/type`, 0, `${e.type}`);
  return e.type;
}

export function readCpus(ctx: ClientContext, actor: string, e: EventSource): readonly number[] | null {
  const path = `read ${EVENT_SOURCE_DIR}/${e.name}/cpus`;
  if (e.cpus === null) ctx.tracer.record(actor, path, -errno.ENOENT, 'no cpus file (not a CPU PMU)');
  else ctx.tracer.record(actor, path, 0, formatCpuList(e.cpus));
  return e.cpus;
}

/** /sys/devices/system/cpu/possible. */
export function readPossibleCpus(ctx: ClientContext, actor: string): number[] {
  const all = Array.from({ length: ctx.host.cpus }, (_, c) => c);
  ctx.tracer.record(actor, 'read /sys/devices/system/cpu/possible', 0, formatCpuList(all));
  return all;
}
