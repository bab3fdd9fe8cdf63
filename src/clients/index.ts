/**
 * Built-in replays of real VMMs' vPMU ioctl sequences (hosts-and-clients §1–§2), run
 * against the public API and recorded call by call.
 */
import { unknownName, VpmuLabError } from '../host/errors.js';
import type { Client } from './client.js';
import { cloudHypervisor } from './cloud-hypervisor.js';
import { ClientContext, ClientExit } from './context.js';
import { crosvm } from './crosvm.js';
import { firecracker } from './firecracker.js';
import { kvmtool } from './kvmtool.js';
import { buildOutcome } from './outcome.js';
import { qemu } from './qemu.js';
import { qemuChoosePmu } from './qemu-choose-pmu.js';
import type { ClientOptions, ClientOutcome } from './types.js';

export { formatOutcome } from './format.js';
export { parseCpuList } from './cpulist.js';
export type { ClientOptions, ClientOutcome, PmuMode, ResolvedOptions, TraceLine } from './types.js';

const clients: readonly Client[] = [qemu, qemuChoosePmu, kvmtool, crosvm, cloudHypervisor, firecracker];

export const clientNames: readonly string[] = Object.freeze(clients.map((c) => c.name));

/** Name and one-line description of every client, for listings. */
export const clientDescriptions: readonly { readonly name: string; readonly description: string }[] = Object.freeze(
  clients.map((c) => Object.freeze({ name: c.name, description: c.description })),
);

/**
 * Replays client `name` on a fresh host. Throws `VpmuLabError` for an unknown client or bad
 * options; a client that dies is an outcome with `ok: false`, not an exception.
 */
export function runClient(name: string, options: ClientOptions): ClientOutcome {
  const client = clients.find((c) => c.name === name);
  if (!client) throw unknownName('client', name, clientNames);
  if (options?.affinity !== undefined && !client.takesAffinity) {
    throw new VpmuLabError(`${name}: affinity is kvmtool's --vcpu-affinity; ${name} has no such option`);
  }
  const ctx = new ClientContext(name, options);
  let error: string | undefined;
  try {
    client.run(ctx);
  } catch (e) {
    if (!(e instanceof ClientExit)) throw e;
    error = e.message;
  }
  return buildOutcome(ctx, error);
}
