/** Architectural bit positions of the PMU registers (Arm ARM D23, spec §4). */
export const PMCR = Object.freeze({
  E: 1n << 0n,
  P: 1n << 1n,
  C: 1n << 2n,
  D: 1n << 3n,
  X: 1n << 4n,
  DP: 1n << 5n,
  LC: 1n << 6n,
  LP: 1n << 7n,
  N_SHIFT: 11n,
  N_MASK: 0x1fn,
  /** Bits a write keeps (spec §4.1: writes keep only bits 7:0). */
  WRITABLE: 0xffn,
});

export const PMUSERENR = Object.freeze({ EN: 1n, SW: 2n, CR: 4n, ER: 8n, MASK: 0xfn });

export const EVTYPER = Object.freeze({
  P: 1n << 31n, // exclude EL1
  U: 1n << 30n, // exclude EL0
  NSK: 1n << 29n,
  NSU: 1n << 28n,
  NSH: 1n << 27n, // include EL2
  M: 1n << 26n,
});

/** MDCR_EL2 bits KVM programs for a vCPU's PMU (spec §6.2; Arm ARM D23.2). */
export const MDCR = Object.freeze({
  HPMN_MASK: 0x1fn, // bits [4:0]
  TPMCR: 1n << 5n,
  TPM: 1n << 6n,
  HPME: 1n << 7n,
  TDOSA: 1n << 10n,
  TDRA: 1n << 11n,
  TPMS: 1n << 14n,
  HPMD: 1n << 17n,
  TTRF: 1n << 19n,
  HCCD: 1n << 23n,
});

export const CYCLE_IDX = 31;
export const MAX_EVENT_COUNTERS = 31;

/** Common event numbers the model gives meaning to (spec §4.6, §4.9, §5.2). */
export const EVENT = Object.freeze({
  SW_INCR: 0x00,
  INST_RETIRED: 0x08,
  CPU_CYCLES: 0x11,
  CHAIN: 0x1e,
  BR_RETIRED: 0x21,
  BR_MIS_PRED_RETIRED: 0x22,
  STALL_SLOT_BACKEND: 0x3d,
  STALL_SLOT_FRONTEND: 0x3e,
  STALL_SLOT: 0x3f,
});

/** The poison `reset_unknown` writes before masking (spec §4.0). */
export const RESET_UNKNOWN = 0x1de7ec7edbadc0den;

export const U32 = 0xffffffffn;
export const U64 = (1n << 64n) - 1n;

export function bit(i: number): bigint {
  return 1n << BigInt(i);
}
