import { describe, expect, it } from 'vitest';
import { resolveTopology } from '../../src/host/topology.js';
import { rk3588 } from './helpers.js';

// spec §6.1, §6.2: host features as topology data, validated naming the field.
describe('topology features (VHE, FEAT_FGT, FEAT_HPMN0)', () => {
  it('default to vhe true, fgt true, hpmn0 false; given ones override', () => {
    expect(resolveTopology(rk3588()).features).toEqual({ vhe: true, fgt: true, hpmn0: false });
    expect(resolveTopology(rk3588({ fgt: false, hpmn0: true })).features).toEqual({ vhe: true, fgt: false, hpmn0: true });
  });

  it('a non-boolean or unknown feature names its field', () => {
    expect(() => resolveTopology(rk3588({ fgt: 1 as never }))).toThrow(/topology\.features\.fgt: expected a boolean/);
    expect(() => resolveTopology(rk3588({ sve: true } as never))).toThrow(/topology\.features\.sve: unknown field/);
    expect(() => resolveTopology({ ...rk3588(), features: [] as never })).toThrow(/topology\.features: expected an object/);
  });
});
