import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { message } from './helpers.js';
import { profileNames, resolveProfile, switchNames } from '../../src/kvm/profile.js';

// spec §9: kernel behaviour variants are named profiles plus switches; bad names are
// library misuse and must list the valid choices (API.md).
describe('profile selection (spec §9)', () => {
  it('default profile is mainline', () => {
    expect(createHost('rk3588').profile).toBe('mainline');
    expect(createHost('rk3588', { profile: 'fixed-counters-only' }).profile).toBe('fixed-counters-only');
  });

  it('an unknown profile throws listing every valid profile', () => {
    const msg = message(() => createHost('rk3588', { profile: 'partitioned-v99' }));
    expect(msg).toContain('partitioned-v99');
    for (const p of profileNames) expect(msg).toContain(p);
  });

  it('an unknown switch throws listing the valid switches', () => {
    const msg = message(() => resolveProfile('mainline', { bogus: true } as never));
    expect(msg).toContain('bogus');
    for (const s of switchNames) expect(msg).toContain(s);
  });

  it('a switch of the wrong type names the switch', () => {
    const msg = message(() => createHost('rk3588', { switches: { nrCountersFrozenAfterRun: 'yes' as never } }));
    expect(msg).toContain('nrCountersFrozenAfterRun');
  });

  it('pmuListDesign accepts only mutex or rcu', () => {
    const msg = message(() => resolveProfile('mainline', { pmuListDesign: 'seqlock' as never }));
    expect(msg).toContain('mutex');
    expect(msg).toContain('rcu');
    expect(resolveProfile('mainline', { pmuListDesign: 'rcu' }).pmuListDesign).toBe('rcu');
  });

  it('switch overrides apply on top of the profile', () => {
    const p = resolveProfile('fixed-counters-only', { nrCountersFrozenAfterRun: false });
    expect(p.attr5).toBe('fixed-counters-only');
    expect(p.nrCountersFrozenAfterRun).toBe(false);
    expect(resolveProfile('fixed-counters-only').nrCountersFrozenAfterRun).toBe(true);
  });
});
