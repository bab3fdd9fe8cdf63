/**
 * PMU system registers by their Arm ARM names (spec §4.1), with their ONE_REG ids
 * (hosts-and-clients §0.1). `kind` says which accessor handles the register; `index` is
 * the counter index for the per-counter registers (31 for the cycle counter's).
 */
import { unknownName } from '../host/errors.js';

export type RegKind =
  | 'PMCR'
  | 'PMCNTENSET'
  | 'PMCNTENCLR'
  | 'PMINTENSET'
  | 'PMINTENCLR'
  | 'PMOVSSET'
  | 'PMOVSCLR'
  | 'PMSWINC'
  | 'PMSELR'
  | 'PMCEID0'
  | 'PMCEID1'
  | 'PMCCNTR'
  | 'PMXEVTYPER'
  | 'PMXEVCNTR'
  | 'PMUSERENR'
  | 'PMEVCNTR'
  | 'PMEVTYPER'
  | 'PMCCFILTR'
  | 'PMMIR'
  | 'MDCR_EL2'
  | 'PMICNTR'
  | 'PMICFILTR';

export interface RegDesc {
  readonly name: string;
  readonly kind: RegKind;
  /** Counter index for PMEVCNTR<n>/PMEVTYPER<n> (n), PMCCNTR/PMCCFILTR (31). */
  readonly index: number;
  /** KVM_GET/SET_ONE_REG id, absent for registers userspace cannot reach. */
  readonly oneRegId?: bigint;
}

const SYSREG = 0x6030000000130000n;
function enc(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
  return SYSREG | BigInt((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2);
}

const table: RegDesc[] = [
  { name: 'PMINTENSET_EL1', kind: 'PMINTENSET', index: -1, oneRegId: enc(3, 0, 9, 14, 1) },
  { name: 'PMINTENCLR_EL1', kind: 'PMINTENCLR', index: -1, oneRegId: enc(3, 0, 9, 14, 2) },
  { name: 'PMMIR_EL1', kind: 'PMMIR', index: -1, oneRegId: enc(3, 0, 9, 14, 6) },
  { name: 'PMCR_EL0', kind: 'PMCR', index: -1, oneRegId: enc(3, 3, 9, 12, 0) },
  { name: 'PMCNTENSET_EL0', kind: 'PMCNTENSET', index: -1, oneRegId: enc(3, 3, 9, 12, 1) },
  { name: 'PMCNTENCLR_EL0', kind: 'PMCNTENCLR', index: -1, oneRegId: enc(3, 3, 9, 12, 2) },
  { name: 'PMOVSCLR_EL0', kind: 'PMOVSCLR', index: -1, oneRegId: enc(3, 3, 9, 12, 3) },
  { name: 'PMSWINC_EL0', kind: 'PMSWINC', index: -1, oneRegId: enc(3, 3, 9, 12, 4) },
  { name: 'PMSELR_EL0', kind: 'PMSELR', index: -1, oneRegId: enc(3, 3, 9, 12, 5) },
  { name: 'PMCEID0_EL0', kind: 'PMCEID0', index: -1 },
  { name: 'PMCEID1_EL0', kind: 'PMCEID1', index: -1 },
  { name: 'PMCCNTR_EL0', kind: 'PMCCNTR', index: 31, oneRegId: enc(3, 3, 9, 13, 0) },
  { name: 'PMXEVTYPER_EL0', kind: 'PMXEVTYPER', index: -1 },
  { name: 'PMXEVCNTR_EL0', kind: 'PMXEVCNTR', index: -1 },
  { name: 'PMUSERENR_EL0', kind: 'PMUSERENR', index: -1, oneRegId: enc(3, 3, 9, 14, 0) },
  { name: 'PMOVSSET_EL0', kind: 'PMOVSSET', index: -1, oneRegId: enc(3, 3, 9, 14, 3) },
  ...Array.from({ length: 31 }, (_, n): RegDesc => ({
    name: `PMEVCNTR${n}_EL0`,
    kind: 'PMEVCNTR',
    index: n,
    oneRegId: enc(3, 3, 14, 8 + (n >> 3), n & 7),
  })),
  ...Array.from({ length: 31 }, (_, n): RegDesc => ({
    name: `PMEVTYPER${n}_EL0`,
    kind: 'PMEVTYPER',
    index: n,
    oneRegId: enc(3, 3, 14, 12 + (n >> 3), n & 7),
  })),
  { name: 'PMCCFILTR_EL0', kind: 'PMCCFILTR', index: 31, oneRegId: enc(3, 3, 14, 15, 7) },
  { name: 'MDCR_EL2', kind: 'MDCR_EL2', index: -1, oneRegId: enc(3, 4, 1, 1, 1) },
  // FEAT_PMUv3_ICNTR (S3_3_C9_C4_0, S3_3_C9_C6_0): never advertised to a guest, so no
  // ONE_REG id and a fine-grained UNDEF in the guest (spec §6.2). Appended: the indices
  // of the registers above are recorded in flight logs.
  { name: 'PMICNTR_EL0', kind: 'PMICNTR', index: -1 },
  { name: 'PMICFILTR_EL0', kind: 'PMICFILTR', index: -1 },
];

const byName = new Map(table.map((d) => [d.name, d]));

/** Every PMU register name, in ascending ONE_REG id order where they have one. */
export const registerNames: readonly string[] = Object.freeze(table.map((d) => d.name));

/** Userspace-visible registers (KVM_GET_REG_LIST order = ascending id). */
export const oneRegNames: readonly string[] = Object.freeze(
  table
    .filter((d) => d.oneRegId !== undefined && d.kind !== 'MDCR_EL2')
    .sort((a, b) => (a.oneRegId! < b.oneRegId! ? -1 : 1))
    .map((d) => d.name),
);

/** Looks a register up by name; throws listing the valid names (library misuse). */
export function register(name: string): RegDesc {
  const d = byName.get(name);
  if (!d) {
    throw unknownName(
      'register',
      name,
      table.filter((x) => !/^PMEV(CNT|TYPE)R([1-9]|[12][0-9]|30)_/.test(x.name)).map((x) => x.name).concat(['… PMEVCNTR0..30_EL0, PMEVTYPER0..30_EL0']),
    );
  }
  return d;
}
