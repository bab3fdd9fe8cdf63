/**
 * The engine runs the model's own code: the same scenario with a fixed schedule gives, on
 * worker threads, exactly the final registers and guest memory the direct single-threaded
 * API gives when replaying that schedule.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { oneRegNames } from '../../src/arch/registers.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { resolveScenario, type Scenario, type ScenarioSpec } from '../../src/engine/scenario.js';
import { nextCpu, resolvePolicy, rngSeed } from '../../src/engine/scheduler.js';
import { setUpVm } from '../../src/engine/vm-setup.js';
import { workload } from '../../src/guest/index.js';
import { guestMemoryLayout } from '../../src/guest/memory.js';
import type { World } from '../../src/engine/world.js';
import { Vcpu } from '../../src/api/vcpu.js';
import { switchNames } from '../../src/kvm/profile.js';

interface Final {
  regs: Record<string, bigint>[];
  memory: bigint[][];
}

function snapshot(vcpus: readonly Vcpu[], memory: { u64: BigUint64Array; i32: Int32Array }[]): Final {
  return {
    regs: vcpus.map((v) => Object.fromEntries(oneRegNames.map((n) => [n, v.getOneReg(n).value]))),
    memory: memory.map((m) => [...m.u64, ...[...m.i32].map(BigInt)]),
  };
}

/** The scenario's schedule replayed through the public API on one thread. */
function direct(s: Scenario): Final {
  const switches = Object.fromEntries(switchNames.map((k) => [k, s.profile[k]]));
  const host = createHost(s.topology, { profile: s.profile.name, switches });
  const plan = s.vms[0]!;
  const vm = host.createVm({ irqchip: plan.irqchip ? 'vgic-v3' : 'none' });
  const vcpus = plan.vcpus.map(() => vm.createVcpu());
  setUpVm(vm.model, vcpus, { config: plan.config, initCpu: plan.initCpu, vcpuSetup: plan.vcpus.map((p) => p.setup) });
  const memory = plan.vcpus.map(() => guestMemoryLayout.allocate());
  const policy = resolvePolicy(s.policy, s.seed);
  plan.vcpus.forEach((p, v) => {
    let cpu = p.start;
    let rng = rngSeed(policy, v);
    for (let q = 1; q <= s.quanta; q++) {
      vcpus[v]!.run({ cpu, guest: (g) => workload(p.workload).quantum(g, memory[v]!, p) });
      ({ cpu, rng } = nextCpu(policy, s.topology, { current: cpu, quanta: q, rng }));
    }
  });
  return snapshot(vcpus, memory);
}

async function engine(s: Scenario): Promise<Final> {
  let final: Final | undefined;
  const r = await runScenario(s, {
    inspect: (world: World) => (final = snapshot(world.vcpus.map((v) => new Vcpu(v)), world.guestMemory)),
  });
  expect(r.failure).toBeUndefined();
  expect(r.vcpus.every((v) => v.state === 'done' && v.quanta === s.quanta)).toBe(true);
  return final!;
}

const cases: ScenarioSpec[] = [
  {
    name: 'one pCPU, two vCPUs',
    host: { name: 'uni', pmus: [{ name: 'armv8_cortex_a76', cpus: [0], counters: 6, pmuver: 4 }] },
    scheduler: { policy: 'pinned' },
    quanta: 40,
    durationMs: 30_000,
    vms: [{ vcpus: [{ workload: 'perf-stat', cycles: 123_457 }, { workload: 'pmu-hammer', accesses: 64, cycles: 999 }] }],
  },
  {
    name: 'rk3588 ping-pong, default PMU',
    host: 'rk3588',
    scheduler: { policy: 'ping-pong' },
    quanta: 30,
    durationMs: 30_000,
    vms: [{ vcpus: [{ workload: 'perf-stat', cycles: 2 ** 31 + 17, start: 1 }] }],
  },
  {
    name: 'tensor-g1 random, FIXED_COUNTERS_ONLY',
    host: 'tensor-g1',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'random', seed: 42 },
    quanta: 30,
    durationMs: 30_000,
    vms: [{ config: 'fixed-counters-only', vcpus: [{ workload: 'cycle-divider', cycles: 77_777 }] }],
  },
];

describe('engine vs single-threaded model', () => {
  for (const spec of cases) {
    it(`${spec.name}: identical final registers and guest memory`, async () => {
      const s = resolveScenario(spec);
      const expected = direct(s);
      const got = await engine(s);
      expect(got).toEqual(expected);
      expect(expected.memory[0]!.some((w) => w !== 0n)).toBe(true);
    });
  }
});
