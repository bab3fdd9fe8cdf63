import { describe, expect, it } from 'vitest';
import { guest, setup, undef } from './helpers.js';

// spec §4.0 (EL0 permission helper check(flags)) and §4.1 "EL0 check" column.
const EN = 1n, SW = 2n, CR = 4n, ER = 8n;
const ALWAYS = -1n;
const NEVER = 0n;

/** [register, flags for an EL0 read, flags for an EL0 write]. */
const table: [string, bigint, bigint][] = [
  ['PMCR_EL0', EN, EN],
  ['PMCNTENSET_EL0', EN, EN],
  ['PMCNTENCLR_EL0', EN, EN],
  ['PMOVSSET_EL0', EN, EN],
  ['PMOVSCLR_EL0', EN, EN],
  ['PMINTENSET_EL1', NEVER, NEVER],
  ['PMINTENCLR_EL1', NEVER, NEVER],
  ['PMSWINC_EL0', NEVER, SW | EN], // a read is UNDEF at every EL
  ['PMSELR_EL0', ER | EN, ER | EN],
  ['PMCEID0_EL0', EN, NEVER], // a write is UNDEF at every EL
  ['PMCEID1_EL0', EN, NEVER],
  ['PMCCNTR_EL0', CR | EN, EN], // write: CR|EN check, then EN check
  ['PMXEVTYPER_EL0', EN, EN],
  ['PMXEVCNTR_EL0', ER | EN, EN], // write: ER|EN, index, then EN
  ['PMEVCNTR0_EL0', ER | EN, EN],
  ['PMEVCNTR5_EL0', ER | EN, EN],
  ['PMEVTYPER0_EL0', EN, EN],
  ['PMEVTYPER5_EL0', EN, EN],
  ['PMCCFILTR_EL0', EN, EN],
  ['PMUSERENR_EL0', ALWAYS, NEVER], // writable only from EL1
  ['PMMIR_EL1', NEVER, NEVER],
];

function allowed(flags: bigint, userenr: bigint): boolean {
  return flags === ALWAYS || (flags & userenr) !== 0n;
}

/** For every PMUSERENR value 0..15: does the access at EL0 go through? */
function probe(name: string, write: boolean): boolean[] {
  const { vcpu } = setup();
  return guest(vcpu, 0, (g) => {
    const out: boolean[] = [];
    for (let u = 0n; u < 16n; u++) {
      g.el = 1;
      g.write('PMSELR_EL0', 0n);
      g.write('PMUSERENR_EL0', u);
      // A value that leaves the state as it is: 0 for bitmaps/PMSWINC, else the current value.
      const zero = name === 'PMSWINC_EL0' || name.startsWith('PMCEID') || /EN(SET|CLR)|OVS/.test(name);
      const v = !write || zero ? 0n : name === 'PMUSERENR_EL0' ? u : g.read(name);
      g.el = 0;
      out.push(undef(() => (write ? g.write(name, v) : g.read(name))) === undefined);
    }
    g.el = 1;
    return out;
  });
}

describe('EL0 access permission by PMUSERENR flags (spec §4.0, §4.1)', () => {
  for (const [name, rflags, wflags] of table) {
    it(`${name}: EL0 read allowed exactly when PMUSERENR & ${rflags === ALWAYS ? 'always' : '0x' + rflags.toString(16)}`, () => {
      const got = probe(name, false);
      const want = Array.from({ length: 16 }, (_, u) => (name === 'PMSWINC_EL0' ? false : allowed(rflags, BigInt(u))));
      expect(got).toEqual(want);
    });
    it(`${name}: EL0 write allowed exactly when PMUSERENR & 0x${wflags.toString(16)}`, () => {
      const got = probe(name, true);
      const want = Array.from({ length: 16 }, (_, u) => allowed(wflags, BigInt(u)));
      expect(got).toEqual(want);
    });
  }

  it('every register in the table is accessible at EL1 (except PMSWINC read and PMCEID write)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMSELR_EL0', 0n);
      for (const [name] of table) {
        expect(undef(() => g.read(name)) === undefined, `read ${name}`).toBe(name !== 'PMSWINC_EL0');
        const v = name === 'PMSWINC_EL0' || name.startsWith('PMCEID') ? 0n : g.read(name);
        const wr = /EN(SET|CLR)|OVS/.test(name) ? 0n : v;
        expect(undef(() => g.write(name, wr)) === undefined, `write ${name}`).toBe(!name.startsWith('PMCEID'));
      }
    });
  });
});
