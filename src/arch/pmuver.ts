/** ID_AA64DFR0_EL1.PMUVer encodings (spec §1.2). */
export const PMUVER = Object.freeze({
  NI: 0,
  IMP: 1,
  V3P1: 4,
  V3P4: 5,
  V3P5: 6,
  V3P7: 7,
  IMP_DEF: 0xf,
});

export function pmuv3Implemented(pmuver: number): boolean {
  return pmuver !== PMUVER.NI && pmuver !== PMUVER.IMP_DEF;
}

/** `kvm_pmu_event_mask` for a PMUVer (spec §2.1): 10-bit events on v8.0, 16-bit from v3p1. */
export function eventMaskFor(pmuver: number): number {
  switch (pmuver) {
    case PMUVER.IMP:
      return 0x3ff;
    case PMUVER.V3P1:
    case PMUVER.V3P4:
    case PMUVER.V3P5:
    case PMUVER.V3P7:
      return 0xffff;
    default:
      return 0; // the kernel WARNs here
  }
}
