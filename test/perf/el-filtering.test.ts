import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { BIT, clearBitmaps, guest, PMCR_E, setup } from '../regs/helpers.js';

const P = 1n << 31n; // exclude EL1
const U = 1n << 30n; // exclude EL0

function arm(g: GuestCpu, type0: bigint, ccfilt: bigint): void {
  clearBitmaps(g);
  g.write('PMEVTYPER0_EL0', type0 | 0x11n);
  g.write('PMCCFILTR_EL0', ccfilt);
  g.write('PMEVCNTR0_EL0', 0n);
  g.write('PMCCNTR_EL0', 0n);
  g.write('PMCNTENSET_EL0', BIT(0) | BIT(31));
  g.write('PMCR_EL0', PMCR_E);
}

/** Executes 10 cycles at EL1 then 100 at EL0; returns [PMEVCNTR0, PMCCNTR]. */
function run(type0: bigint, ccfilt: bigint): bigint[] {
  const { vcpu } = setup();
  return guest(vcpu, 0, (g) => {
    arm(g, type0, ccfilt);
    g.exec(10);
    g.el = 0;
    g.exec(100);
    g.el = 1;
    return [g.read('PMEVCNTR0_EL0'), g.read('PMCCNTR_EL0')];
  });
}

// spec §5.2 step 7: exclude_user = (U != NSU), exclude_kernel = (P != NSK); NSU/NSK are not
// advertised (read 0), so U excludes EL0 and P excludes EL1.
describe('exception-level filtering by PMEVTYPER/PMCCFILTR P and U (spec §5.2)', () => {
  it('no P/U: counts at EL1 and EL0', () => {
    expect(run(0n, 0n)).toEqual([110n, 110n]);
  });
  it('U set: EL0 execution is not counted', () => {
    expect(run(U, U)).toEqual([10n, 10n]);
  });
  it('P set: EL1 execution is not counted', () => {
    expect(run(P, P)).toEqual([100n, 100n]);
  });
  it('P and U set: nothing is counted', () => {
    expect(run(P | U, P | U)).toEqual([0n, 0n]);
  });
  it('event counter and cycle counter filter independently', () => {
    expect(run(U, P)).toEqual([10n, 100n]);
  });
});
