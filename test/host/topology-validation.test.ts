import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { VpmuLabError } from '../../src/host/errors.js';
import { message } from './helpers.js';
import { resolveTopology } from '../../src/host/topology.js';

const ok = { name: 'ok', pmus: [{ name: 'little', cpus: [0, 1] }, { name: 'big', cpus: [2, 3] }] };

// API.md "throws only for misuse … with a clear message"; spec §1.1 fields. Every error
// must name the exact bad field path.
describe('topology validation names the bad field (spec §1.1, API.md)', () => {
  it('a well-formed object resolves with defaults filled in', () => {
    const t = resolveTopology(ok);
    expect(t.cpus).toBe(4);
    expect(t.pmus.map((p) => [p.name, p.type, p.counters, p.pmuver, p.kind])).toEqual([
      ['little', 8, 6, 4, 'cpu'],
      ['big', 9, 6, 4, 'cpu'],
    ]);
    expect(t.aarch32El0).toBe(true);
    expect(t.appleImpdefTraps).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 42, 'topology'],
    ['null', null, 'topology'],
    ['an array', [], 'topology'],
    ['missing name', { pmus: [] }, 'topology.name'],
    ['empty name', { name: '', pmus: [] }, 'topology.name'],
    ['name of the wrong type', { name: 3, pmus: [] }, 'topology.name'],
    ['pmus not an array', { name: 't', pmus: {} }, 'topology.pmus'],
    ['a PMU that is not an object', { name: 't', pmus: ['x'] }, 'topology.pmus[0]'],
    ['PMU name missing', { name: 't', pmus: [{ cpus: [0] }] }, 'topology.pmus[0].name'],
    ['cpus not an array', { name: 't', pmus: [{ name: 'a', cpus: '0-3' }] }, 'topology.pmus[0].cpus'],
    ['a non-integer CPU id', { name: 't', pmus: [{ name: 'a', cpus: [0, 1.5] }] }, 'topology.pmus[0].cpus[1]'],
    ['a negative CPU id', { name: 't', pmus: [{ name: 'a', cpus: [-1] }] }, 'topology.pmus[0].cpus[0]'],
    ['a CPU id out of range', { name: 't', pmus: [{ name: 'a', cpus: [64] }] }, 'topology.pmus[0].cpus[0]'],
    ['duplicate CPU ids in one PMU', { name: 't', pmus: [{ name: 'a', cpus: [0, 0] }] }, 'topology.pmus[0].cpus'],
    ['a CPU PMU without CPUs', { name: 't', pmus: [{ name: 'a', cpus: [] }] }, 'topology.pmus[0].cpus'],
    ['an uncore PMU with CPUs', { name: 't', pmus: [{ name: 'a', cpus: [0] }, { name: 'dsu', kind: 'uncore', cpus: [1] }] }, 'topology.pmus[1].cpus'],
    ['an unknown kind', { name: 't', pmus: [{ name: 'a', cpus: [0], kind: 'gpu' }] }, 'topology.pmus[0].kind'],
    ['counters of the wrong type', { name: 't', pmus: [{ name: 'a', cpus: [0], counters: '6' }] }, 'topology.pmus[0].counters'],
    ['counters above 31', { name: 't', pmus: [{ name: 'a', cpus: [0], counters: 32 }] }, 'topology.pmus[0].counters'],
    ['an invalid pmuver', { name: 't', pmus: [{ name: 'a', cpus: [0], pmuver: 3 }] }, 'topology.pmus[0].pmuver'],
    ['events not an array', { name: 't', pmus: [{ name: 'a', cpus: [0], events: 8 }] }, 'topology.pmus[0].events'],
    ['an event outside the PMCEID ranges', { name: 't', pmus: [{ name: 'a', cpus: [0], events: [0x11, 0x40] }] }, 'topology.pmus[0].events[1]'],
    ['a type id below 6', { name: 't', pmus: [{ name: 'a', cpus: [0], type: 4 }] }, 'topology.pmus[0].type'],
    ['mapsEvents not a boolean', { name: 't', pmus: [{ name: 'a', cpus: [0], mapsEvents: 1 }] }, 'topology.pmus[0].mapsEvents'],
    ['typeBase below 6', { name: 't', typeBase: 5, pmus: [{ name: 'a', cpus: [0] }] }, 'topology.typeBase'],
    ['cpus not above every PMU CPU id', { name: 't', cpus: 4, pmus: [{ name: 'a', cpus: [0, 4] }] }, 'topology.cpus'],
    ['cpus of the wrong type', { name: 't', cpus: '8', pmus: [{ name: 'a', cpus: [0] }] }, 'topology.cpus'],
    ['appleImpdefTraps not a boolean', { name: 't', appleImpdefTraps: 'yes', pmus: [{ name: 'a', cpus: [0] }] }, 'topology.appleImpdefTraps'],
    ['aarch32El0 not a boolean', { name: 't', aarch32El0: 0, pmus: [{ name: 'a', cpus: [0] }] }, 'topology.aarch32El0'],
    ['description not a string', { name: 't', description: 1, pmus: [{ name: 'a', cpus: [0] }] }, 'topology.description'],
  ])('%s → names %s', (_what, raw, field) => {
    const msg = message(() => resolveTopology(raw));
    expect(msg.startsWith(`${field}:`) || msg.startsWith(`${field} `)).toBe(true);
  });

  it('overlapping CPU masks of two CPU PMUs name the second PMU and the first one', () => {
    const msg = message(() => resolveTopology({ name: 't', pmus: [{ name: 'a', cpus: [0, 1] }, { name: 'b', cpus: [1, 2] }] }));
    expect(msg.startsWith('topology.pmus[1].cpus:')).toBe(true);
    expect(msg).toContain('pmus[0]');
    expect(msg).toContain('(a)');
  });

  it('duplicate PMU names name the later PMU', () => {
    const msg = message(() => resolveTopology({ name: 't', pmus: [{ name: 'a', cpus: [0] }, { name: 'a', cpus: [1] }] }));
    expect(msg.startsWith('topology.pmus[1].name:')).toBe(true);
    expect(msg).toContain('"a"');
  });

  it('duplicate type ids (explicit or assigned) are refused', () => {
    const msg = message(() => resolveTopology({ name: 't', pmus: [{ name: 'a', cpus: [0] }, { name: 'b', cpus: [1], type: 8 }] }));
    expect(msg.startsWith('topology.pmus[1].type:')).toBe(true);
  });

  it('an unknown top-level field is named and the valid fields are listed', () => {
    const msg = message(() => resolveTopology({ ...ok, cores: 8 }));
    expect(msg.startsWith('topology.cores:')).toBe(true);
    for (const f of ['name', 'pmus', 'cpus', 'typeBase', 'appleImpdefTraps']) expect(msg).toContain(f);
  });

  it('an unknown PMU field is named with its index', () => {
    const msg = message(() => resolveTopology({ name: 't', pmus: [{ name: 'a', cpus: [0] }, { name: 'b', cpus: [1], irq: 23 }] }));
    expect(msg.startsWith('topology.pmus[1].irq:')).toBe(true);
    expect(msg).toContain('counters');
  });

  it('createHost validates a topology object the same way', () => {
    expect(message(() => createHost({ name: 't', pmus: [{ name: 'a', cpus: [0], counters: -1 }] }))).toMatch(
      /^topology\.pmus\[0\]\.counters:/,
    );
  });

  it('more CPU PMUs than arm_pmus can hold (16) → names topology.pmus; uncore PMUs do not count', () => {
    const pmus = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, cpus: [i] }));
    const msg = message(() => createHost({ name: 't', pmus: pmus(17) }));
    expect(msg.startsWith('topology.pmus:')).toBe(true);
    expect(msg).toContain('16');
    const ok16 = createHost({ name: 't', pmus: [...pmus(16), { name: 'dsu', kind: 'uncore' }] });
    expect(ok16.pmus.length).toBe(16);
    expect(ok16.model.list.count()).toBe(16);
  });

  it('createHost refuses non-object options', () => {
    expect(() => createHost('rk3588', null as never)).toThrow(VpmuLabError);
  });

  it('an uncore PMU may overlap nothing and carries no CPUs; CPU PMUs next to it are fine', () => {
    const t = resolveTopology({ name: 't', pmus: [{ name: 'a', cpus: [0, 1] }, { name: 'dsu', kind: 'uncore' }] });
    expect(t.pmus[1]!.cpus).toEqual([]);
    expect(t.pmus[1]!.kind).toBe('uncore');
  });

  it('an explicit cpus count above the PMUs leaves CPUs without any PMU', () => {
    const t = resolveTopology({ name: 't', cpus: 5, pmus: [{ name: 'a', cpus: [0, 1, 2, 3] }] });
    expect(t.cpus).toBe(5);
  });
});
