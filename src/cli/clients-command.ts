/**
 * `vpmu-lab clients [NAME] --host PRESET|FILE.json [--profile P] [--vcpus N] [--main-cpu C]
 * [--vcpu-cpus C,C,…] [--affinity LIST] [--irq N[,N…]] [--json]`: replay a real VMM's vPMU
 * ioctl sequence (hosts-and-clients §1–§2). Without NAME, lists the clients. Bad input is
 * one line on stderr and exit code 2; a client that dies is a result (exit 0), not an error.
 */
import { VpmuLabError, unknownName } from '../host/errors.js';
import { hostArg } from './host-arg.js';
import { clientDescriptions, clientNames, formatOutcome, runClient, type ClientOptions } from '../clients/index.js';
import { intFlag, parseArgs, stringFlag, toJson, type ParsedArgs } from './args.js';

const FLAGS = {
  host: true,
  profile: true,
  vcpus: true,
  'main-cpu': true,
  'vcpu-cpus': true,
  affinity: true,
  irq: true,
  json: false,
} as const;

function listClients(): number {
  const w = Math.max(...clientNames.map((n) => n.length));
  for (const c of clientDescriptions) console.log(`${c.name.padEnd(w)}  ${c.description}`);
  console.log(`\nusage: vpmu-lab clients NAME --host PRESET|FILE.json [--profile P] [--vcpus N] [--main-cpu C] [--vcpu-cpus C,C,…] [--affinity LIST] [--irq N[,N…]] [--json]`);
  return 0;
}

/** "0,0,4" → [0, 0, 4]: a list of integers (repeats allowed, unlike a cpulist). */
function intList(args: ParsedArgs, name: string): number[] | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  if (!parts.every((s) => /^\d+$/.test(s))) {
    throw new VpmuLabError(`--${name}: expected comma-separated integers, got ${JSON.stringify(raw)}`);
  }
  return parts.map(Number);
}

function optionsFrom(args: ParsedArgs): ClientOptions {
  const host = hostArg(stringFlag(args, 'host'));
  const o: ClientOptions = { host, vcpus: intFlag(args, 'vcpus', 2, 1, 64) };
  const profile = stringFlag(args, 'profile');
  if (profile !== undefined) o.profile = profile;
  if (args.flags.has('main-cpu')) o.mainCpu = intFlag(args, 'main-cpu', 0, 0, 63);
  const vcpuCpus = intList(args, 'vcpu-cpus');
  if (vcpuCpus) o.vcpuCpus = vcpuCpus;
  const affinity = stringFlag(args, 'affinity');
  if (affinity !== undefined) o.affinity = affinity;
  const irq = intList(args, 'irq');
  if (irq) o.irq = irq.length === 1 ? irq[0]! : irq;
  return o;
}

export function clientsCommand(argv: string[]): number {
  try {
    const args = parseArgs(argv, FLAGS);
    if (args.positionals.length > 1) throw new VpmuLabError(`expected one client name, got ${args.positionals.join(' ')}`);
    const name = args.positionals[0];
    if (name === undefined) return listClients();
    if (!clientNames.includes(name)) throw unknownName('client', name, clientNames);
    const outcome = runClient(name, optionsFrom(args));
    console.log(args.flags.has('json') ? toJson(outcome) : formatOutcome(outcome));
    return 0;
  } catch (e) {
    if (!(e instanceof VpmuLabError)) throw e;
    console.error(`vpmu-lab clients: ${e.message}`);
    return 2;
  }
}
